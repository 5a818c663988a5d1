"""``flask --app wsgi …`` commands: database set-up, demo data, users."""
from __future__ import annotations

import click
from flask import Flask
from flask_migrate import upgrade

from .extensions import db
from .services.admin import accounts
from .services.common.context import Actor
from .services.common.errors import ValidationFailed
from .services.demo import county as demo


def register(app: Flask) -> None:
    app.cli.add_command(init_db)
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(unlock_user)
    app.cli.add_command(refresh_figures)
    app.cli.add_command(import_people)
    from .cli_jobs import jobs_cli
    from .cli_ops import backup_cli, static_cli
    app.cli.add_command(jobs_cli)
    app.cli.add_command(static_cli)
    app.cli.add_command(backup_cli)
    from .cli_exchange import exchange_cli
    app.cli.add_command(exchange_cli)
    from .cli_services import COMMANDS
    for command in COMMANDS:
        app.cli.add_command(command)


@click.command("init-db")
@click.option("--drop", is_flag=True, help="Drop every table first (destroys all data).")
def init_db(drop: bool) -> None:
    """Create or upgrade the database schema (runs the migrations)."""
    if drop:
        click.confirm("Drop all tables and their data?", abort=True)
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    upgrade()
    from .services.health import service_types
    service_types.install_defaults(Actor.cli())  # the shipped service types, if missing
    click.echo("Database ready.")


@click.command("seed-demo")
@click.option("--persons", default=200, show_default=True, type=click.IntRange(1, 1_000_000),
              help="Number of people to create.")
@click.option("--seed", "seed_value", default=2026, show_default=True, help="Random seed (same seed, same data).")
@click.option("--if-empty", is_flag=True, help="Do nothing (but print the logins) if the database has data.")
def seed_demo(persons: int, seed_value: int, if_empty: bool) -> None:
    """Fill an empty database with a demo county and print the demo logins."""
    if if_empty and not demo.is_empty():
        _print_logins(demo.PASSWORD, demo.DEMO_USERS + demo.DEMO_LANDLORDS)
        return
    try:
        with click.progressbar(length=persons, label="people") as bar:
            result = demo.seed(persons, seed_value, progress=bar.update)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {result['persons']} people, {result['dwellings']} dwellings in {result['grids']} grids.")
    _count_figures(FIRST_COUNT_MONTHS)  # a new deployment's report pages never start from an empty store
    _print_logins(result["password"], result["users"])


FIRST_COUNT_MONTHS = 13  # the dashboard's 12-month trend and the month before it


def _count_figures(months: int, area_code: str | None = None) -> None:
    from .models import Area
    from .services.figures import refresh as figure_refresh
    from .services.figures import report_areas
    from .services.figures.measures import Context

    area = None
    if area_code:
        area = db.session.scalar(db.select(Area).where(Area.code == area_code))
        if area is None:
            raise click.ClickException(f"unknown area code {area_code}")
    grids = len(report_areas.grid_ids(area))
    with click.progressbar(length=grids, label="figures") as bar:
        stored = figure_refresh.run(area, months, Context.at(), progress=bar.update)
    click.echo(f"Stored {stored} figures for {grids} grids, {months} month(s).")


def _print_logins(password, users) -> None:
    click.echo(f"Demo logins (password for all: {password}):")
    for u in users:
        click.echo(f"  {u.username:<13} {u.role:<12} {u.name}")


@click.command("create-user")
@click.option("--username", prompt=True)
@click.option("--name", prompt=True)
@click.option("--role", type=click.Choice(["admin", "supervisor", "coordinator", "health"]), prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--area-code", help="Township code (supervisor, health).")
@click.option("--grid-code", "grid_codes", multiple=True, help="Grid code (coordinator); repeat for several.")
def create_user(username, name, role, password, area_code, grid_codes) -> None:
    """Create a staff account."""
    from .models import Area

    area = db.session.scalar(db.select(Area).where(Area.code == area_code)) if area_code else None
    grids = db.session.scalars(db.select(Area).where(Area.code.in_(grid_codes))).all() if grid_codes else []
    if area_code and area is None:
        raise click.ClickException(f"unknown area code {area_code}")
    if len(grids) != len(set(grid_codes)):
        raise click.ClickException("unknown grid code")
    try:
        user = accounts.create_user(Actor.cli(), username=username, name=name, role=role, password=password,
                                    area_id=area.id if area else None, grid_ids=[g.id for g in grids])
    except ValidationFailed as exc:
        raise click.ClickException("; ".join(exc.errors.values())) from None
    click.echo(f"Created {user.role} {user.username}.")


@click.command("unlock-user")
@click.argument("username")
def unlock_user(username: str) -> None:
    """Lift a login lockout at once (an administrator locked out by someone's wrong tries)."""
    from .models import User

    user = db.session.scalar(db.select(User).where(db.func.lower(User.username) == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {username}")
    accounts.unlock(Actor.cli(), user.id)
    click.echo(f"Unlocked {user.username}.")


@click.command("refresh-figures")
@click.option("--months", default=1, show_default=True, type=click.IntRange(1, 120),
              help="How many months to count, up to this one (13 at night catches late corrections).")
@click.option("--area-code", help="Only this area (default: everything).")
def refresh_figures(months: int, area_code: str | None) -> None:
    """Count the figures of the report pages again and store them (safe to rerun)."""
    _count_figures(months, area_code)



CLI_ISSUES = 20  # rows with problems printed; --errors writes them all


@click.command("import-people")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "username", required=True, help="Import as this staff user (their grids are the scope).")
@click.option("--grid", "grid_code", help="Grid code for rows without a grid column.")
@click.option("--sheet", help="Worksheet name (default: the sheet whose header names the most fields).")
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False, writable=True),
              help="Write the rows with problems to this .xlsx file.")
def import_people(path, username, grid_code, sheet, dry_run, errors_path) -> None:
    """Import a people ledger (.xlsx, .xls, .csv) as the registration form would.

    Safe to run again: people already registered (same ID number) are reported as
    duplicates and not imported twice."""
    from flask import current_app

    # Messages are translated as for a request in the default language (zh).
    with current_app.test_request_context():
        _import_people(path, username, grid_code, sheet, dry_run, errors_path)


def _import_people(path, username, grid_code, sheet, dry_run, errors_path) -> None:
    from pathlib import Path

    from .models import Area, User
    from .services.common.errors import NotFound
    from .services.common.spreadsheet import write_xlsx
    from .services.registry import people_import
    from .web.ledger_pages import issues_sheet
    from .web import tr

    user = db.session.scalar(db.select(User).where(User.username == username, User.active.is_(True)))
    if user is None or user.role not in ("coordinator", "supervisor", "admin"):
        raise click.ClickException(f"no active coordinator, supervisor or admin named {username}")
    actor = Actor(user_id=user.id, label=f"cli:{username}")
    grid = db.session.scalar(db.select(Area).where(Area.code == grid_code)) if grid_code else None
    if grid_code and grid is None:
        raise click.ClickException(f"unknown grid code {grid_code}")
    try:
        job = people_import.upload(actor, user, Path(path).name, Path(path).read_bytes())
        sheets = people_import.sheet_names(job)
        if sheet and sheet not in sheets:
            raise click.ClickException(f"no worksheet named {sheet!r}; the file has: {', '.join(sheets)}")
        people_import.configure(actor, user, job, sheet=sheet or job.sheet, header_row=job.header_row,
                                mapping={int(i): k for i, k in (job.mapping or {}).items()},
                                grid_id=grid.id if grid else job.grid_id)
        bars = []

        def rows_read(total: int) -> None:
            bars.append(click.progressbar(length=total, label="checking"))
            bars[0].__enter__()

        try:
            result = people_import.analyse(user, job, progress=lambda n: bars[0].update(n), on_rows=rows_read)
        finally:
            for bar in bars:
                bar.__exit__(None, None, None)
        click.echo(f"{len(result.rows)} rows: {result.count('ready')} to import, {result.count('duplicate')} "
                   f"already registered, {result.count('repeat')} repeating an earlier row of the file, "
                   f"{result.count('error')} with errors ({result.blank} blank rows skipped).")
        issues = result.with_issues
        for row in issues[:CLI_ISSUES]:
            click.echo(f"  row {row.line}: " + "; ".join(tr(i.message) for i in row.errors + row.warnings))
        if len(issues) > CLI_ISSUES:
            hint = "" if errors_path else " (--errors FILE.xlsx writes them all)"
            click.echo(f"  … and {len(issues) - CLI_ISSUES} more rows with problems{hint}.")
        if errors_path:
            with open(errors_path, "wb") as out:
                out.write(write_xlsx([issues_sheet(result)]).read())
        if dry_run:
            people_import.discard(actor, user, job)
            click.echo("Dry run: nothing written.")
            return
        with click.progressbar(length=result.count("ready"), label="importing") as bar:
            people_import.run(actor, user, job, progress=bar.update, analysis=result)
        click.echo(f"Imported {job.imported} people.")
    except (ValidationFailed, NotFound) as exc:
        message = "; ".join(tr(m) for m in exc.errors.values()) if isinstance(exc, ValidationFailed) else "not in scope"
        if isinstance(exc, ValidationFailed) and "mapping" in exc.errors:
            message += " (--sheet NAME reads another worksheet)"
        raise click.ClickException(message) from None
