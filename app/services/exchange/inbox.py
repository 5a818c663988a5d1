"""Receiving messages (HTTP, one at a time or in batches, and bundle files): verify before
anything is stored, store the raw messages once per (peer, message id), then process each
(``handlers``) in a savepoint of the same transaction.

The same message delivered again finds its row and changes nothing (2xx). A batch is one
signed webhook whose body carries several messages, each with its own id (docs/exchange.md):
one duplicate check, one insert and one audit write for all of them, one commit."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...domain.clock import utcnow
from ...extensions import db
from ...models import AuditLog, InboxMessage, Peer
from ..common import audit, bulk
from ..common.context import Actor
from . import handlers, outbox
from . import peers as directory
from . import signing

BATCH_FORMAT = "anju-exchange-batch/1"


@dataclass(frozen=True)
class Received:
    status: int
    reason: str
    inbox_id: int | None = None


@dataclass
class BatchReceived:
    """A batch's answer: the inner ids the receiver now holds (``stored`` or ``duplicate``:
    the sender marks exactly these sent) and those it refused, with the reason."""
    status: int
    reason: str
    stored: list[str] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)

    def answer(self) -> dict:
        return {"status": self.status, "reason": self.reason, "accepted": self.stored + self.duplicate,
                "stored": len(self.stored), "duplicate": len(self.duplicate), "refused": self.refused}


@dataclass(frozen=True)
class Verified:
    peer: Peer
    webhook_id: str
    text: str


def max_body() -> int:
    return current_app.config.get("EXCHANGE_MAX_BODY_BYTES", 65536)


def max_batch() -> tuple[int, int]:
    """(bytes, messages) a batch may carry."""
    return (current_app.config.get("EXCHANGE_MAX_BATCH_BYTES", 2 * 1024 * 1024),
            current_app.config.get("EXCHANGE_MAX_BATCH_MESSAGES", 500))


def _verify(raw: bytes, headers: dict, limit: int, window: dt.timedelta | None) -> Verified | Received:
    """The checks made before anything is read: size, sender, encoding, signature."""
    if len(raw) > limit:
        return Received(413, f"body over {limit} bytes")
    lower = {k.lower(): v for k, v in headers.items()}
    peer = directory.by_code(lower.get(signing.SENDER_HEADER))
    if peer is None:
        return Received(401, "unknown peer")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Received(400, "body is not UTF-8")
    if not signing.verify(peer.keys, text, lower, window=window):
        return Received(401, "bad signature or stale timestamp")
    return Verified(peer, lower.get("webhook-id") or "", text)


def _invalid(body) -> str | None:
    """Why a parsed message cannot be taken, or None."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return "a message is a JSON object with data"
    if body.get("type") not in handlers.HANDLERS:
        return f"unknown message type {str(body.get('type'))[:40]!r}"
    if not isinstance(body.get("id"), str) or not 0 < len(body["id"]) <= 40:
        return "a message needs an id of at most 40 characters"
    return None


def receive(raw: bytes, headers: dict, *, via: str = "http", window: dt.timedelta | None = None) -> Received:
    """One message, signed on its own (``webhook-id`` is its id)."""
    checked = verify_one(raw, headers, window)
    if isinstance(checked, Received):
        return checked
    peer, body, text = checked
    outcome, inbox_id = store(peer, [(body, text)], via)[body["id"]]
    return Received(200, outcome, inbox_id)


def receive_batch(raw: bytes, headers: dict) -> BatchReceived:
    """A batch: ``{"format": BATCH_FORMAT, "id": webhook-id, "messages": [message, ...]}``
    signed as one webhook. Verified whole before anything is stored; each inner message
    checked alone (a bad one is refused, the others taken) and stored once by its own id."""
    limit, most = max_batch()
    checked = _verify(raw, headers, limit, None)
    if isinstance(checked, Received):
        return BatchReceived(checked.status, checked.reason)
    try:
        batch = json.loads(checked.text)
    except (ValueError, RecursionError):
        return BatchReceived(400, "malformed JSON")
    if not isinstance(batch, dict) or batch.get("format") != BATCH_FORMAT or not isinstance(batch.get("messages"), list):
        return BatchReceived(400, f"a batch is a JSON object with format {BATCH_FORMAT!r} and messages")
    if batch.get("id") != checked.webhook_id:
        return BatchReceived(400, "batch id differs from webhook-id")
    if len(batch["messages"]) > most:
        return BatchReceived(413, f"batch over {most} messages")
    answer, items, seen = BatchReceived(200, "batch"), [], set()
    for number, body in enumerate(batch["messages"]):
        reason = _invalid(body)
        text = None if reason else json.dumps(body, ensure_ascii=False, sort_keys=True)
        if text is not None and len(text.encode()) > max_body():
            reason = f"message over {max_body()} bytes"
        key = body["id"] if isinstance(body, dict) and isinstance(body.get("id"), str) else f"#{number}"
        if reason:
            answer.refused[key[:40]] = reason
        elif key in seen:
            answer.duplicate.append(key)
        else:
            seen.add(key)
            items.append((body, text))
    for message_id, (outcome, _) in store(checked.peer, items, "http").items():
        (answer.stored if outcome == "stored" else answer.duplicate).append(message_id)
    return answer


def verify_one(raw: bytes, headers: dict, window: dt.timedelta | None) -> tuple[Peer, dict, str] | Received:
    """A message signed on its own (over HTTP; or in a bundle file, with an older timestamp
    allowed by ``window``): what ``store`` takes, or why it is refused."""
    checked = _verify(raw, headers, max_body(), window)
    if isinstance(checked, Received):
        return checked
    try:
        body = json.loads(checked.text)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than Python's stack
        return Received(400, "malformed JSON")
    reason = _invalid(body)
    if reason or body["id"] != checked.webhook_id:
        return Received(400, reason or "body id differs from webhook-id")
    return checked.peer, body, checked.text


def store(peer: Peer, items: list[tuple[dict, str]], via: str) -> dict[str, tuple[str, int | None]]:
    """Store and process verified messages of one peer in one transaction: ``{message id:
    ("stored" | "duplicate", inbox id)}``. Two workers storing the same message at once:
    the unique index decides, and the loser tries again, finding it stored."""
    for attempt in range(3):
        try:
            return _store_once(peer.id, items, via)
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _store_once(peer_id: int, items: list[tuple[dict, str]], via: str) -> dict[str, tuple[str, int | None]]:
    peer = db.session.get(Peer, peer_id)
    ids = [body["id"] for body, _ in items]
    known = dict(db.session.execute(select(InboxMessage.message_id, InboxMessage.id).where(
        InboxMessage.peer_id == peer_id, bulk.any_of(InboxMessage.message_id, ids))).all()) if ids else {}
    result: dict[str, tuple[str, int | None]] = {i: ("duplicate", known[i]) for i in ids if i in known}
    fresh, taken = [], set(known)
    for body, text in items:  # the first of an id given twice
        if body["id"] not in taken:
            taken.add(body["id"])
            fresh.append((body, text))
    if not fresh:
        db.session.rollback()
        return result
    now = utcnow()
    rows = [InboxMessage(peer_id=peer_id, peer=peer, message_id=body["id"], type=body["type"], raw=text, via=via,
                         received_at=now, about=_about(body), state="received") for body, text in fresh]
    db.session.add_all(rows)
    db.session.flush()
    actor = _actor(peer)
    bulk.write(AuditLog.__table__, [
        audit.row(actor, "exchange.receive", "exchange_inbox", row.id,
                  {"message_id": row.message_id, "type": row.type, "peer_id": peer_id, "via": via}, now)
        for row in rows])
    handlers.read_ahead([body for body, _ in fresh])
    try:
        with outbox.gathered() as gathered:
            for row, (body, _) in zip(rows, fresh):
                _process_stored(row, body, gathered)
    finally:
        handlers.forget()
    result.update({row.message_id: ("stored", row.id) for row in rows})  # read before the commit expires them
    db.session.commit()  # the raw messages and their effects: one transaction, one commit
    return result


def _process_stored(row: InboxMessage, body: dict, gathered: list) -> None:
    """Process a message just stored, in a savepoint: a failure undoes only its effect (and
    the answers it queued) and leaves the raw message kept, marked ``error`` (``flask
    exchange process`` retries)."""
    mark = len(gathered)
    try:
        # The savepoint's end writes the message's changes at once (one flush, not one
        # before each of the handler's reads: they never read what the same message changed).
        with db.session.begin_nested(), db.session.no_autoflush:
            handlers.handle(_actor(row.peer), row, body)
    except Exception as exc:  # noqa: BLE001 — a fault in one message must not lose it
        del gathered[mark:]
        row.state, row.error = "error", f"{type(exc).__name__}: {str(exc)[:250]}"
        current_app.logger.warning("exchange message %s could not be processed: %s", row.id, type(exc).__name__)


def _about(body: dict) -> str | None:
    person = body["data"].get("person")
    number = person.get("id_number") if isinstance(person, dict) else None
    return number[:18] if isinstance(number, str) else None


def _actor(peer) -> Actor:
    return Actor(user_id=None, label=f"exchange:{peer.code}")


def process(inbox_id: int) -> None:
    """Process a stored message once; a failure is kept on the row (state ``error``) for
    ``flask exchange process`` to try again, and never loses the message."""
    row = db.session.get(InboxMessage, inbox_id)
    if row is None or row.state not in ("received", "error"):
        return
    try:
        handlers.handle(_actor(row.peer), row, json.loads(row.raw))
        db.session.commit()
    except Exception as exc:  # noqa: BLE001 — any fault in one message must not stop the others
        db.session.rollback()
        row = db.session.get(InboxMessage, inbox_id)
        row.state, row.error = "error", f"{type(exc).__name__}: {str(exc)[:250]}"
        db.session.commit()
        current_app.logger.warning("exchange message %s could not be processed: %s", inbox_id, type(exc).__name__)


def process_pending() -> int:
    ids = list(db.session.scalars(select(InboxMessage.id).where(InboxMessage.state.in_(("received", "error")))))
    for inbox_id in ids:
        process(inbox_id)
    return len(ids)
