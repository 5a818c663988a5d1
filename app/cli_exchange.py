"""``flask exchange …``: deliver the outbox (cron every minute), process what was
received, and bundle files for offices without a network link."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from .extensions import db
from .models import Peer
from .services.common.context import Actor
from .services.common.errors import ValidationFailed
from .services.exchange import bundle, inbox, outbox, signing

exchange_cli = AppGroup("exchange", help="Messages between deployments: send, process, bundle files.")


@exchange_cli.command("send")
@click.option("--limit", type=click.IntRange(1), help="Stop after this many deliveries.")
def send(limit: int | None) -> None:
    """Deliver the due messages of the outbox (retries included)."""
    counts = outbox.deliver(limit=limit)
    click.echo(f"sent {counts['sent']}, to retry {counts['retry']}, failed {counts['failed']}")


@exchange_cli.command("process")
def process() -> None:
    """Process received messages that are not processed yet (after an error)."""
    click.echo(f"processed {inbox.process_pending()}")


@exchange_cli.command("export")
@click.option("--peer", "name", required=True, help="The peer's name in the directory.")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
def export(name: str, out: str | None) -> None:
    """Write the pending messages for a peer into a signed bundle file."""
    peer = db.session.scalars(select(Peer).where(Peer.name == name)).first()
    if peer is None:
        raise click.ClickException(f"no peer named {name!r}")
    data, count = bundle.export(Actor.cli(), peer)
    if out:
        Path(out).write_bytes(data)
        click.echo(f"{count} message(s) written to {out}")
    else:
        click.echo(data.decode())


@exchange_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_file(file: str) -> None:
    """Import a bundle file from a peer (same checks as over HTTP; safe to import twice)."""
    try:
        counts = bundle.load(Actor.cli(), Path(file).read_bytes())
    except ValidationFailed as exc:
        raise click.ClickException("; ".join(exc.errors.values())) from None
    click.echo(f"stored {counts['stored']}, duplicate {counts['duplicate']}, refused {len(counts['refused'])}")
    for reason in counts["refused"]:
        click.echo(f"  refused: {reason}")


@exchange_cli.command("keygen")
def keygen() -> None:
    """Print a new signing key (give the same key to both deployments)."""
    click.echo(signing.new_key())
