"""Offices without a network link: the pending messages for a peer in a signed file,
carried across and imported with the same verification and idempotence as over HTTP.

A bundle is JSON: ``{"format": "anju-exchange-bundle/1", "from": code, "messages":
[{"headers": {...}, "body": "..."}]}``; each message is signed on its own, so a file
altered anywhere is refused message by message."""
from __future__ import annotations

import datetime as dt
import json

from flask import current_app
from sqlalchemy import select, update

from ...domain.clock import utcnow
from ...domain.text import N_
from ...extensions import db
from ...models import OutboxMessage, Peer
from ..common import audit
from ..common.context import Actor
from ..common.errors import ValidationFailed
from . import inbox, signing
from . import peers as directory

FORMAT = "anju-exchange-bundle/1"
CHUNK = 500  # messages stored and processed in one transaction


def export(actor: Actor, peer: Peer) -> tuple[bytes, int]:
    """The file of every pending message for ``peer``, each then marked sent; and how many."""
    code, _ = directory.identity()
    now = utcnow()
    rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.peer_id == peer.id,
                                                               OutboxMessage.state.in_(("pending", "failed")))
                                   .order_by(OutboxMessage.id)))
    messages = []
    for row in rows:
        text = json.dumps(row.body, ensure_ascii=False, sort_keys=True)
        messages.append({"headers": signing.headers(peer.key, row.message_id, text, code, now), "body": text})
    if rows:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in rows]))
                           .values(state="sent", sent_at=now, last_error=None)
                           .execution_options(synchronize_session=False))
    audit.record(actor, "exchange.export", "exchange_peer", peer.id, None, {"messages": len(rows)})
    db.session.commit()
    return json.dumps({"format": FORMAT, "from": code, "messages": messages}, ensure_ascii=False).encode(), len(rows)


def load(actor: Actor, raw: bytes) -> dict:
    """Import a bundle: ``{"stored": n, "duplicate": n, "refused": [reasons]}``. A file that
    is not a bundle raises ``ValidationFailed``; a message that fails verification is refused
    alone."""
    if len(raw) > current_app.config.get("EXCHANGE_MAX_BUNDLE_BYTES", 50 * 1024 * 1024):
        raise ValidationFailed({"file": N_("文件过大")})
    try:
        bundle = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationFailed({"file": N_("不是交换文件（无法读取）")}) from None
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT or not isinstance(bundle.get("messages"), list):
        raise ValidationFailed({"file": N_("不是交换文件（格式不符）")})
    window = dt.timedelta(days=current_app.config.get("EXCHANGE_BUNDLE_DAYS", 30))
    counts = {"stored": 0, "duplicate": 0, "refused": []}
    verified: list[tuple[Peer, dict, str]] = []
    for item in bundle["messages"]:
        if not (isinstance(item, dict) and isinstance(item.get("headers"), dict) and isinstance(item.get("body"), str)):
            counts["refused"].append("malformed entry")
            continue
        result = inbox.verify_one(item["body"].encode(), {str(k): str(v) for k, v in item["headers"].items()}, window)
        if isinstance(result, inbox.Received):
            counts["refused"].append(result.reason)
        else:
            verified.append(result)
    # Stored as a batch over HTTP is: one peer's messages at a time, CHUNK to a transaction.
    for peer_id in dict.fromkeys(peer.id for peer, _, _ in verified):
        mine = [(body, text) for peer, body, text in verified if peer.id == peer_id]
        for start in range(0, len(mine), CHUNK):
            chunk = mine[start:start + CHUNK]
            stored = sum(outcome == "stored" for outcome, _ in
                         inbox.store(db.session.get(Peer, peer_id), chunk, "bundle").values())
            counts["stored"] += stored
            counts["duplicate"] += len(chunk) - stored  # stored before, or twice in the file
    audit.record(actor, "exchange.import", "exchange_inbox", None, None,
                 {"stored": counts["stored"], "duplicate": counts["duplicate"], "refused": len(counts["refused"])})
    db.session.commit()
    return counts
