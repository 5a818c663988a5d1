"""Finding people in the user's scope: work lists, active search, counts."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from sqlalchemy import Text, any_, cast, func, null, or_, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import joinedload

from ..domain.clock import month_bounds
from ..extensions import db
from ..models import Area, Dwelling, Person, User
from . import scope

_DIGITS = re.compile(r"^\d+[\dXx]?$")


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_condition(q: str, user: User):
    """What a search box query matches, for ``user``.

    Digits: the start of an ID number, or any part of a phone number (the last 4 digits
    are what people remember). Text: the start of a name, or part of the address of a
    dwelling in the user's scope (a person's dwelling is always in the person's grid:
    ``dwellings.resolve_dwelling`` refuses any other).

    On PostgreSQL each side of the OR can use an index, so the database combines them
    (a BitmapOr) instead of testing every person in scope:

    - ``id_number`` and ``name`` prefixes: ``text_pattern_ops`` indexes (the collation is
      not C, so a plain index cannot serve ``LIKE 'x%'``);
    - ``phone`` and ``address`` fragments: pg_trgm GIN indexes, which need at least 3
      characters; an address fragment of 1 or 2 characters (a 2-character name is the
      usual case) uses the GIN index of each address's characters instead;
    - the matching dwellings come back as an array (``= ANY(ARRAY(…))``), which an index
      can look up, where ``IN (SELECT …)`` under an OR becomes a filter on every row.
    """
    q = q.strip()
    if _DIGITS.match(q):
        q = q.upper()
        conditions = [Person.id_number.like(like_prefix(q), escape="\\")]
        if q.isdigit():
            conditions.append(Person.phone.like("%" + like_prefix(q), escape="\\"))
        return or_(*conditions)
    pattern = like_prefix(q)
    dwellings = scope.dwellings(user).with_only_columns(Dwelling.id).where(
        Dwelling.address.like("%" + pattern, escape="\\"))
    if db.session.get_bind().dialect.name != "postgresql":
        return or_(Person.name.like(pattern, escape="\\"), Person.dwelling_id.in_(dwellings))
    if len(q) < 3:
        # Implied by the LIKE (every character of q is in the address), and indexed by
        # ix_dwelling_address_chars. NULL is a literal, so the expression is the index's.
        dwellings = dwellings.where(
            func.string_to_array(Dwelling.address, null()).op("@>")(cast(postgresql.array(sorted(set(q))), postgresql.ARRAY(Text))))
    return or_(Person.name.like(pattern, escape="\\"),
               Person.dwelling_id == any_(func.array(dwellings.scalar_subquery())))


def people(user: User, *, q: str = "", grid_id: int | None = None, status: str = "present",
           page: int = 1, per_page: int = 20) -> Page:
    stmt = scope.people(user)
    if grid_id:
        stmt = stmt.where(Person.grid_id == grid_id)
    if status in ("present", "left"):
        stmt = stmt.where(Person.status == status)
    if q.strip():
        return _search_page(stmt.where(search_condition(q, user)), page, per_page)
    total = db.session.scalar(stmt.with_only_columns(func.count()).order_by(None))
    page = _clamp(page, total, per_page)
    items = db.session.scalars(
        stmt.options(joinedload(Person.dwelling)).order_by(Person.name, Person.id)
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(list(items), total, page, per_page)


def _clamp(page: int, total: int, per_page: int) -> int:
    return max(1, min(page, max(1, math.ceil(total / per_page))))


def _search_page(stmt, page: int, per_page: int) -> Page:
    """One page of search results and their number, from one statement.

    The matches are found first (with the indexes ``search_condition`` describes), then
    counted (a window function) and sorted, and only the page's people are read in full.
    MATERIALIZED keeps those steps apart on PostgreSQL. Asked for "ORDER BY name LIMIT 20"
    directly, the planner may walk the whole name index in order, hoping to meet 20
    matches early; but the matches of a search sit together (every 张 sorts together),
    so that walk can read a million entries (4–10 s for an admin's "张").
    """
    page = max(1, page)
    matches = stmt.with_only_columns(Person.id, Person.name).cte("matches").prefix_with(
        "MATERIALIZED", dialect="postgresql")
    while True:
        chosen = (select(matches.c.id, matches.c.name, func.count().over().label("total"))
                  .order_by(matches.c.name, matches.c.id).limit(per_page).offset((page - 1) * per_page)
                  .subquery("chosen"))
        rows = db.session.execute(
            select(Person, chosen.c.total).join(chosen, chosen.c.id == Person.id)
            .options(joinedload(Person.dwelling)).order_by(chosen.c.name, chosen.c.id)
        ).all()
        if rows:
            return Page([person for person, _ in rows], rows[0].total, page, per_page)
        # Nothing on this page: no match at all, or a page past the end (clamped, as above).
        total = db.session.scalar(stmt.with_only_columns(func.count()).order_by(None)) if page > 1 else 0
        last = _clamp(page, total, per_page)
        if total == 0 or last == page:
            return Page([], total, last, per_page)
        page = last


@dataclass
class GridCounts:
    present: int
    arrived_this_month: int
    left_this_month: int


def counts(user: User, today: dt.date, grid_id: int | None = None) -> GridCounts:
    """One statement, three counts, each of which an index answers on its own
    (``ix_person_grid_status_name``, ``ix_person_grid_arrived``, ``ix_person_grid_left``):
    counting with CASE over every row in scope read every row of a township."""
    first, nxt = month_bounds(today)
    in_scope = scope.people(user)
    if grid_id:
        in_scope = in_scope.where(Person.grid_id == grid_id)

    def count(*conditions):
        return in_scope.with_only_columns(func.count()).where(*conditions).scalar_subquery()

    row = db.session.execute(select(
        count(Person.status == "present"),
        count(Person.arrived_on >= first, Person.arrived_on < nxt),
        count(Person.left_on >= first, Person.left_on < nxt),
    )).one()
    return GridCounts(*row)


def grid_summaries(user: User, today: dt.date) -> list[tuple[Area, int]]:
    """Each grid in scope with its number of people present."""
    grids = scope.grids(user)
    if not grids:
        return []
    rows = dict(db.session.execute(
        select(Person.grid_id, func.count()).where(
            Person.grid_id.in_([g.id for g in grids]), Person.status == "present")
        .group_by(Person.grid_id)).all())
    return [(g, rows.get(g.id, 0)) for g in grids]
