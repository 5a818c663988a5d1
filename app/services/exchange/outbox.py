"""The transactional outbox: ``post`` writes messages in the caller's transaction (with
the job that will deliver them); ``deliver`` sends what is due, retries with back-off and
parks a message as failed after the setting's number of attempts."""
from __future__ import annotations

import datetime as dt
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import requests
from flask import current_app
from sqlalchemy import select, update

from ...domain import outflow as rules
from ...domain.clock import utcnow
from ...domain.text import N_
from ...extensions import db
from ...models import AuditLog, OutboxMessage, Peer
from .. import jobs
from ..admin import settings
from ..common import audit, bulk
from ..common.context import Actor
from . import inbox, signing
from . import peers as directory

SEND_JOB = "exchange.send"


def new_id() -> str:
    return "msg_" + uuid.uuid4().hex


def message(peer: Peer, type_: str, data: dict, *, grid_id: int | None = None, about: str | None = None,
            reply_to: str | None = None, now: dt.datetime | None = None) -> dict:
    """An outbox row (a plain dict for ``post``): the envelope carries the id, type and
    sender; ``data`` the fields of docs/exchange.md."""
    now = now or utcnow()
    message_id = new_id()
    code, name = directory.identity()
    body = {"id": message_id, "type": type_, "from": code, "from_name": name, "sent_at": now.isoformat() + "Z",
            "reply_to": reply_to, "data": data}
    return {"message_id": message_id, "peer_id": peer.id, "type": type_, "body": body, "grid_id": grid_id,
            "about": about, "reply_to": reply_to, "state": "pending", "attempts": 0, "next_at": now,
            "last_error": None, "created_at": now, "sent_at": None, "answered_at": None}


def post(actor: Actor, rows: list[dict]) -> None:
    """Queue messages in the caller's transaction, audited, with the delivery job. Within
    ``gathered`` they are kept and written together when it ends."""
    if not rows:
        return
    held = db.session.info.get(_GATHERED)
    if held is not None:
        held.append((actor, rows))
        return
    _write([(actor, rows)])


_GATHERED = "exchange.outbox.gathered"


@contextmanager
def gathered():
    """Messages posted inside are written at the end in one go (one insert, one audit
    write, one delivery job), still in the caller's transaction: receiving a batch answers
    hundreds of messages. The list it yields may be cut back (a message whose processing
    failed takes its answers with it); nothing is written if the block raises."""
    if db.session.info.get(_GATHERED) is not None:  # already gathering: the outer block writes
        yield db.session.info[_GATHERED]
        return
    held: list = []
    db.session.info[_GATHERED] = held
    try:
        yield held
    finally:
        db.session.info.pop(_GATHERED, None)
    _write(held)


def _write(posts: list[tuple[Actor, list[dict]]]) -> None:
    rows = [row for _, batch in posts for row in batch]
    if not rows:
        return
    now = utcnow()
    bulk.write(OutboxMessage.__table__, rows)
    bulk.write(AuditLog.__table__, [
        audit.row(actor, "exchange.queue", "exchange_outbox", None,
                  {"message_id": r["message_id"], "type": r["type"], "peer_id": r["peer_id"]}, now)
        for actor, batch in posts for r in batch])
    jobs.enqueue(SEND_JOB, {}, dedupe_key=SEND_JOB)


def _due(now: dt.datetime, limit: int) -> list[OutboxMessage]:
    stmt = (select(OutboxMessage).join(Peer).where(OutboxMessage.state == "pending", OutboxMessage.next_at <= now,
                                                   Peer.active.is_(True), Peer.base_url.is_not(None))
            .order_by(OutboxMessage.id).limit(limit))
    return list(db.session.scalars(stmt))


def _send(session: requests.Session, url: str, headers: dict, body: str, timeout: float) -> str | None:
    """None when delivered (2xx), otherwise the error to keep."""
    try:
        response = session.post(url, data=body.encode(), headers=headers, timeout=timeout)
    except requests.RequestException as exc:
        return f"{type(exc).__name__}: {str(exc)[:200]}"
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}: {response.text[:200]}"


@dataclass
class _Batch:
    """Messages due for one peer, sent in one POST: ``texts`` are their signed bodies."""
    peer: Peer
    rows: list[OutboxMessage]
    texts: list[str]
    size: int = 0  # bytes of the texts


def _batches(due: list[OutboxMessage], size: int, max_bytes: int) -> list[_Batch]:
    """Due messages grouped by peer, at most ``size`` messages and ``max_bytes`` a batch."""
    out, open_ = [], {}
    for row in due:
        text = json.dumps(row.body, ensure_ascii=False, sort_keys=True)
        weight = len(text.encode()) + 2  # and the comma between messages
        batch = open_.get(row.peer_id)
        if batch is None or len(batch.rows) >= size or batch.size + weight > max_bytes:
            batch = open_[row.peer_id] = _Batch(row.peer, [], [])
            out.append(batch)
        batch.rows.append(row)
        batch.texts.append(text)
        batch.size += weight
    return out


def _deliver_batch(session: requests.Session, batch: _Batch, code: str, now: dt.datetime,
                   timeout: float) -> list[str | None]:
    """Send ``batch``; for each of its messages None when the peer holds it, else the
    error to keep. One message goes alone (the single-message form); a peer that does not
    know batches (an older Anju: 404 or 405) or finds one too large (413) gets them one
    by one."""
    base = batch.peer.base_url
    if len(batch.rows) > 1:
        batch_id = "bat_" + uuid.uuid4().hex
        body = ('{"format": "%s", "id": "%s", "messages": [%s]}'
                % (inbox.BATCH_FORMAT, batch_id, ", ".join(batch.texts)))
        headers = signing.headers(batch.peer.key, batch_id, body, code, now)
        try:
            response = session.post(f"{base}/exchange/batch", data=body.encode(), headers=headers, timeout=timeout)
        except requests.RequestException as exc:
            return [f"{type(exc).__name__}: {str(exc)[:200]}"] * len(batch.rows)
        if response.status_code not in (404, 405, 413):
            return _answers(batch, response)
    return [_send(session, f"{base}/exchange/inbox", signing.headers(batch.peer.key, row.message_id, text, code, now),
                  text, timeout) for row, text in zip(batch.rows, batch.texts)]


def _answers(batch: _Batch, response: requests.Response) -> list[str | None]:
    """Only the ids the peer lists as accepted are delivered; the others keep a reason."""
    if not 200 <= response.status_code < 300:
        return [f"HTTP {response.status_code}: {response.text[:200]}"] * len(batch.rows)
    try:
        answer = response.json()
        accepted, refused = set(answer.get("accepted") or ()), dict(answer.get("refused") or {})
    except (ValueError, AttributeError, TypeError):
        return [f"HTTP {response.status_code}: not a batch answer"] * len(batch.rows)
    return [None if row.message_id in accepted else
            f"refused: {str(refused.get(row.message_id, 'not acknowledged'))[:200]}" for row in batch.rows]


def deliver(*, limit: int | None = None, workers: int = 4) -> dict:
    """Send every due message (batches of ``EXCHANGE_SEND_BATCH`` per POST to each peer,
    ``workers`` POSTs at a time, each round committed): ``{"sent": n, "retry": n,
    "failed": n}``. Safe to run in several processes: a message's state changes only
    from the state it was read in."""
    max_attempts = int(settings.get("exchange.max_attempts"))
    timeout = current_app.config.get("EXCHANGE_TIMEOUT_SECONDS", 10)
    size = current_app.config.get("EXCHANGE_SEND_BATCH", 100)
    max_bytes = inbox.max_batch()[0] - 1024  # the envelope's own bytes
    code, _ = directory.identity()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    session = requests.Session()  # keep-alive connections, one pool per peer
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=workers))
    session.mount("https://", requests.adapters.HTTPAdapter(pool_maxsize=workers))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while limit is None or sum(counts.values()) < limit:
            now = utcnow()
            due = _due(now, size * workers)
            if not due:
                break
            batches = _batches(due, size, max_bytes)
            results = list(pool.map(lambda b: _deliver_batch(session, b, code, now, timeout), batches))
            _record([(row, error) for batch, errors in zip(batches, results) for row, error in zip(batch.rows, errors)],
                    now, max_attempts, counts)
            db.session.commit()
    session.close()
    return counts


def _record(outcomes: list[tuple[OutboxMessage, str | None]], now, max_attempts, counts) -> None:
    """Delivered ones marked sent together (one update, audit rows in bulk); the others
    wait their back-off or are parked as failed."""
    retry_s = current_app.config.get("EXCHANGE_RETRY_SECONDS", 30)
    sent = [row for row, error in outcomes if error is None]
    if sent:
        db.session.execute(update(OutboxMessage).where(bulk.any_of(OutboxMessage.id, [r.id for r in sent]),
                                                       OutboxMessage.state == "pending")
                           .values(state="sent", sent_at=now, attempts=OutboxMessage.attempts + 1, last_error=None)
                           .execution_options(synchronize_session=False))
        counts["sent"] += len(sent)
        bulk.write(AuditLog.__table__, [
            audit.row(Actor.cli(), "exchange.send", "exchange_outbox", row.id,
                      {"message_id": row.message_id, "type": row.type, "peer_id": row.peer_id}, now) for row in sent])
    for row, error in outcomes:
        if error is None:
            continue
        attempts = row.attempts + 1
        if attempts >= max_attempts:
            values = {"state": "failed", "attempts": attempts, "last_error": error}
            counts["failed"] += 1
        else:
            values = {"attempts": attempts, "last_error": error,
                      "next_at": now + dt.timedelta(seconds=rules.backoff_seconds(attempts, first=retry_s))}
            counts["retry"] += 1
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id, OutboxMessage.state == "pending")
                           .values(**values).execution_options(synchronize_session=False))


def next_due() -> dt.datetime | None:
    return db.session.scalar(select(OutboxMessage.next_at).join(Peer).where(
        OutboxMessage.state == "pending", Peer.base_url.is_not(None), Peer.active.is_(True))
        .order_by(OutboxMessage.next_at).limit(1))


def retry(actor: Actor, outbox_id: int) -> bool:
    """A failed message gets its attempts back and goes out with the next run."""
    done = db.session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id,
                                                          OutboxMessage.state == "failed")
                              .values(state="pending", attempts=0, next_at=utcnow())
                              .execution_options(synchronize_session=False)).rowcount
    if done:
        audit.record(actor, "exchange.retry", "exchange_outbox", outbox_id, {"state": "failed"}, {"state": "pending"})
        jobs.enqueue(SEND_JOB, {}, dedupe_key=SEND_JOB)
    db.session.commit()
    return bool(done)


@jobs.register(SEND_JOB, title=N_("发送交换消息"), max_attempts=3, timeout_s=900, retry_delay_s=30)
def send_job(job: jobs.Handle):
    counts = deliver()
    upcoming = next_due()
    if upcoming is not None:  # retries waiting: run again when the first is due
        delay = max(1.0, (upcoming - utcnow()).total_seconds())
        jobs.enqueue(SEND_JOB, {}, dedupe_key=None, delay_s=delay)
        db.session.commit()
    return counts
