"""Submissions sent again are saved once (``Idempotency-Key``).

A phone that queued a registration offline sends it when the signal returns; if the
connection drops after the server saved it but before the phone heard the answer, the
phone sends it again with the same key. The key is written by the act's own transaction
(``arm``: it joins the first commit the request makes), so "the key is known" means "the act
is saved"; the answer (status, redirect target) is kept beside it and given again.

A key belongs to the user who sent it: the same key from another user is another key. The
same key with a different body is a client error (``KeyReused``), never a second write.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from ...extensions import db
from ...models import IdempotencyKey

KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")
IGNORED = {"csrf_token"}  # renewed between the first try and a resend


class KeyReused(Exception):
    """The key was used before for a different submission."""


@dataclass
class Pending:
    user_id: int
    key: str
    fingerprint: str
    row: IdempotencyKey | None = None


def valid_key(key: str) -> bool:
    return bool(KEY.match(key or ""))


def fingerprint(path: str, fields: list[tuple[str, str]]) -> str:
    """The submission's identity: where it went and what it said (order of fields aside)."""
    kept = sorted((k, v) for k, v in fields if k not in IGNORED)
    text = path + "\n" + "\n".join(f"{k}={v}" for k, v in kept)
    return hashlib.sha256(text.encode()).hexdigest()


def find(user_id: int, key: str, fingerprint_: str) -> IdempotencyKey | None:
    """The stored submission under this user's key; ``KeyReused`` if it said something else."""
    row = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                         IdempotencyKey.key == key))
    if row is not None and row.fingerprint != fingerprint_:
        raise KeyReused(key)
    return row


def arm(user_id: int, key: str, fingerprint_: str) -> Pending:
    """From now on, the session's next commit writes the key with whatever it commits."""
    pending = Pending(user_id, key, fingerprint_)
    db.session.info["idempotency"] = pending
    return pending


def disarm() -> None:
    db.session.info.pop("idempotency", None)


def record_answer(pending: Pending, status: int, location: str | None) -> None:
    """Keep the answer beside the key (only when the act wrote something)."""
    if not _saved(pending):
        return
    pending.row.status, pending.row.location = status, (location or None)
    db.session.commit()


def _saved(pending: Pending) -> bool:
    """The key row was committed (a rollback of the act takes it along)."""
    return pending.row is not None and inspect(pending.row).persistent


@event.listens_for(Session, "before_commit")
def _write_key(session: Session) -> None:
    pending = session.info.get("idempotency")
    if pending is None or _saved(pending):
        return
    pending.row = IdempotencyKey(user_id=pending.user_id, key=pending.key, fingerprint=pending.fingerprint)
    session.add(pending.row)
