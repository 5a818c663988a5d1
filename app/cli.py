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
        _print_logins(demo.PASSWORD, demo.DEMO_USERS)
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
