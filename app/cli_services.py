"""``flask`` commands for service schedules: install the shipped types, plan a month,
send the reminders that are due. All safe to run again."""
from __future__ import annotations

import click

from .domain.clock import local_today
from .domain.dates import InvalidMonth, first_of_month, parse_month
from .domain.workcalendar import is_official
from .extensions import db
from .models import Area
from .services.common.context import Actor
from .services.common.errors import ValidationFailed
from .services.health import planning, reminders, service_types
from .services.health.sms import UnknownBackend


@click.command("install-service-types")
def install_service_types() -> None:
    """Add the shipped service types that are missing (never changes existing ones)."""
    added = service_types.install_defaults(Actor.cli())
    click.echo(f"Service types added: {', '.join(added)}." if added else "Service types: nothing to add.")


def _grid_ids(area_code: str | None) -> list[int] | None:
    if not area_code:
        return None
    area = db.session.scalar(db.select(Area).where(Area.code == area_code))
    if area is None:
        raise click.ClickException(f"unknown area code {area_code}")
    if area.is_grid:
        return [area.id]
    return list(db.session.scalars(db.select(Area.id).where(
        Area.path.startswith(f"{area.path}{area.id}/"), Area.level == "grid")))


@click.command("plan-services")
@click.option("--month", "month_text", help="YYYY-MM (default: this month).")
@click.option("--area-code", help="Only the grids under this area (default: everywhere).")
def plan_services(month_text: str | None, area_code: str | None) -> None:
    """Create the month's appointments for everyone eligible (never twice)."""
    try:
        month = parse_month(month_text) if month_text else first_of_month(local_today())
    except InvalidMonth:
        raise click.ClickException("--month must be YYYY-MM, e.g. 2026-12") from None
    types = [t for t in service_types.all_types() if t.active]
    if not types:
        raise click.ClickException("no active service types: run `flask install-service-types` first")
    if not is_official(month.year):
        click.echo(f"Note: the installed holiday calendar has no official arrangement for {month.year} yet: "
                   "working days skip the statutory holidays only (no 调休); add the year's days at "
                   "/admin/calendar or upgrade chinesecalendar.")
    with click.progressbar(length=len(types), label=f"planning {month:%Y-%m}") as bar:
        try:
            result = planning.plan_month(Actor.cli(), month, grid_ids=_grid_ids(area_code),
                                         progress=lambda _code: bar.update(1))
        except ValidationFailed as exc:
            raise click.ClickException("; ".join(str(v) for v in exc.errors.values())) from None
    for code, n in result.created.items():
        click.echo(f"  {code:<34} {n:>9,} appointments created or reopened")
    click.echo(f"Planned {month:%Y-%m}: {result.total_created:,} created, {result.missed:,} closed as missed, "
               f"{result.total_cancelled:,} cancelled {result.cancelled or ''}".rstrip())


@click.command("send-reminders")
@click.option("--limit", type=click.IntRange(1, None), help="Send at most this many messages now.")
@click.option("--max-seconds", default=reminders.RUN_SECONDS, show_default=True, type=click.IntRange(1, None),
              help="Start no new batch after this long; the rest waits for the next run (cron: every 15 minutes).")
def send_reminders(limit: int | None, max_seconds: int) -> None:
    """Queue the reminders that are due and send the queue (never the same one twice)."""
    try:
        result = reminders.run(Actor.cli(), limit=limit, seconds=max_seconds)
    except (UnknownBackend, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    s = result.sending
    click.echo(f"Queued {result.enqueued:,}; sent {s.sent:,}, to retry {s.retry:,}, failed {s.failed:,}, "
               f"skipped {s.skipped:,}; cancelled {sum(result.cancelled.values()):,} no longer due.")
    if s.quiet:
        click.echo("Quiet hours: nothing sent now; the queue goes out when they end.")
    if result.waiting:
        click.echo(f"{result.waiting:,} still queued for the next run, soonest appointment first.")


COMMANDS = (install_service_types, plan_services, send_reminders)
