"""``flask static build``, ``flask backup create|restore``: commands for running a server."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .serving import static_files

static_cli = AppGroup("static", help="Static files: hashed, precompressed copies.")


@static_cli.command("build")
def build_static() -> None:
    """Write the hashed, gzip- and brotli-compressed copies of app/static (the app also does
    it at start-up; run it at install time so that the service needs no write access there)."""
    app = current_app
    target = Path(app.config.get("STATIC_BUILD_FOLDER") or Path(app.instance_path) / "static")
    manifest = static_files.read_manifest(Path(app.static_folder))
    written = static_files.build(manifest, target)
    click.echo(f"{len(manifest.names)} static files; wrote {len(written)} hashed copies to {target}.")


backup_cli = AppGroup("backup", help="Back up and restore the database and the uploaded files.")


@backup_cli.command("create")
@click.option("--output", type=click.Path(file_okay=True, dir_okay=True, writable=True),
              help="A folder (a dated file name is made in it) or a file name; default BACKUP_FOLDER "
                   "or instance/backups.")
def backup_create(output: str | None) -> None:
    """Copy the database (consistent while the app runs) and the uploaded files into one archive."""
    from .services import backup

    target = Path(output or current_app.config.get("BACKUP_FOLDER") or Path(current_app.instance_path) / "backups")
    if output is None or (not target.suffix and not target.exists()):
        target.mkdir(parents=True, exist_ok=True)
    try:
        manifest = backup.create(target)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written to {manifest['path']}: {sum(manifest['rows'].values())} rows in "
               f"{len(manifest['rows'])} tables, {sum(manifest['folders'].values())} uploaded files.")


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def backup_restore(archive: str, yes: bool) -> None:
    """Replace the database and the uploaded files with a backup's (stop the web and job
    services first), then check every table's row count and the key tables' checksums."""
    from .services import backup
    from .services.backup.archive import read_manifest

    manifest = read_manifest(Path(archive))
    if not yes:
        click.confirm(f"Replace ALL data with the backup of {manifest['created_at']} "
                      f"({sum(manifest['rows'].values())} rows)?", abort=True)
    try:
        result = backup.restore(Path(archive))
    except (RuntimeError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    if not result.verified:
        raise click.ClickException("restored, but these tables differ from the backup: " + ", ".join(result.mismatched))
    click.echo(f"Restored and verified: {sum(result.rows.values())} rows in {len(result.rows)} tables "
               f"(backup of {manifest['created_at']}, schema {manifest['revision']}).")
