"""Arrivals, moves, transfers and departures recorded since a time, a page at a time.

Pages follow a cursor (the time recorded and the id of the last row sent), not an offset:
rows recorded while an integration pages through are neither skipped nor sent twice.
A movement belongs to the token's areas when it arrived in or left one of their grids.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import and_, or_, select

from ...extensions import db
from ...models import Area, Movement, Person
from .. import scope

KINDS = ("arrive", "move", "transfer", "leave")
MAX_PAGE = 500


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Page:
    rows: list[tuple[Movement, Person]]
    areas: dict[int, Area]  # the grids the rows name, by id
    next_cursor: str | None


def encode_cursor(recorded_at: dt.datetime, movement_id: int) -> str:
    raw = json.dumps([recorded_at.isoformat(), movement_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, movement_id = json.loads(raw)
        at = dt.datetime.fromisoformat(stamp)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursor(cursor) from exc
    if not isinstance(movement_id, int) or isinstance(movement_id, bool) or at.tzinfo is not None:
        raise BadCursor(cursor)
    return at, movement_id


def since(principal, start: dt.datetime, *, cursor: str | None = None, limit: int = 100) -> Page:
    """Movements recorded at or after ``start`` (naive UTC) in the principal's grids,
    oldest first; ``cursor`` continues after the last row of the page before."""
    limit = max(1, min(limit, MAX_PAGE))
    stmt = (select(Movement, Person).join(Person, Person.id == Movement.person_id)
            .where(Movement.kind.in_(KINDS), Movement.recorded_at >= start))
    grids = scope.grid_ids(principal)
    if grids is not None:
        stmt = stmt.where(or_(Movement.to_grid_id.in_(grids), Movement.from_grid_id.in_(grids)))
    if cursor:
        at, last_id = decode_cursor(cursor)
        stmt = stmt.where(or_(Movement.recorded_at > at, and_(Movement.recorded_at == at, Movement.id > last_id)))
    rows = [(m, p) for m, p in db.session.execute(stmt.order_by(Movement.recorded_at, Movement.id).limit(limit + 1))]
    more = len(rows) > limit
    rows = rows[:limit]
    grid_ids = {g for m, _ in rows for g in (m.from_grid_id, m.to_grid_id) if g}
    areas = {a.id: a for a in db.session.scalars(select(Area).where(Area.id.in_(grid_ids)))} if grid_ids else {}
    last = rows[-1][0] if rows else None
    return Page(rows, areas, encode_cursor(last.recorded_at, last.id) if more and last else None)
