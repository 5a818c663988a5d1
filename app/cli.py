"""``flask --app wsgi …`` commands: database set-up, demo data, users."""
from __future__ import annotations

import click
from flask import Flask
from flask_migrate import upgrade

from .extensions import db
from .services import accounts, demo
from .services.context import Actor
from .services.errors import ValidationFailed


def register(app: Flask) -> None:
    app.cli.add_command(init_db)
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(refresh_figures)
    app.cli.add_command(import_people)
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
    from .services import service_types
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
    _print_logins(result["password"], result["users"])


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


@click.command("refresh-figures")
@click.option("--months", default=1, show_default=True, type=click.IntRange(1, 120),
              help="How many months to count, up to this one (13 at night catches late corrections).")
@click.option("--area-code", help="Only this area (default: everything).")
def refresh_figures(months: int, area_code: str | None) -> None:
    """Count the figures of the report pages again and store them (safe to rerun)."""
    from .models import Area
    from .services import figure_refresh, report_areas
    from .services.measures import Context

    area = None
    if area_code:
        area = db.session.scalar(db.select(Area).where(Area.code == area_code))
        if area is None:
            raise click.ClickException(f"unknown area code {area_code}")
    grids = len(report_areas.grid_ids(area))
    with click.progressbar(length=grids, label="grids") as bar:
        stored = figure_refresh.run(area, months, Context.at(), progress=bar.update)
    click.echo(f"Stored {stored} figures for {grids} grids, {months} month(s).")
@click.command("import-people")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "username", required=True, help="Import as this staff user (their grids are the scope).")
@click.option("--grid", "grid_code", help="Grid code for rows without a grid column.")
@click.option("--sheet", help="Worksheet name (default: the first with data).")
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
    from .services import people_import
    from .services.errors import NotFound
    from .station.imports import issues_sheet
    from .services.export import write_xlsx
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
        people_import.configure(actor, user, job, sheet=sheet or job.sheet, header_row=job.header_row,
                                mapping={int(i): k for i, k in (job.mapping or {}).items()},
                                grid_id=grid.id if grid else job.grid_id)
        total = max(0, len(people_import.preview(job).rows) - (job.header_row or 0) - 1)
        with click.progressbar(length=total, label="checking") as bar:
            result = people_import.analyse(user, job, progress=bar.update)
        click.echo(f"{len(result.rows)} rows: {result.count('ready')} to import, {result.count('duplicate')} "
                   f"already registered, {result.count('error')} with errors ({result.blank} blank rows skipped).")
        for row in result.with_issues[:20]:
            click.echo(f"  row {row.line}: " + "; ".join(tr(i.message) for i in row.errors + row.warnings))
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
        raise click.ClickException(message) from None
