"""Optimistic locking for records staff edit: a form carries the ``version`` it was opened
on; a write that meets another version raises ``StaleEdit`` (the page then shows the
record as it is now and keeps what was typed)."""
from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from ...extensions import db
from .errors import StaleEdit


def check_version(record, version) -> None:
    if version is not None and int(version) != record.version:
        raise StaleEdit(record)


def _or_stale(record, step) -> None:
    try:
        step()
    except StaleDataError:  # someone saved between our read and our write
        db.session.rollback()
        db.session.refresh(record)
        raise StaleEdit(record) from None


def flush_or_stale(record) -> None:
    _or_stale(record, db.session.flush)


def commit_or_stale(record) -> None:
    _or_stale(record, db.session.commit)
