"""Finding people in the user's scope: work lists, active search, counts."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from sqlalchemy import Select, Text, any_, cast, func, null, or_, select
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
        characters = cast(postgresql.array(sorted(set(q))), postgresql.ARRAY(Text))
        dwellings = dwellings.where(func.string_to_array(Dwelling.address, null()).op("@>")(characters))
    return or_(Person.name.like(pattern, escape="\\"),
               Person.dwelling_id == any_(func.array(dwellings.scalar_subquery())))


# Up to this many people, a page is cut by sorting them all (a few milliseconds); above
# it, the planner chooses, usually reading the name index in order (see ``_in_order``).
SORT_ALL_UP_TO = 10_000


def filtered(user: User, *, q: str = "", grid_id: int | None = None, status: str = "present") -> Select:
    """The people a list shows: in scope, in ``grid_id`` if given, of ``status``
    (present, left, or anything else for all), matching the search text ``q``."""
    stmt = scope.people(user)
    if grid_id:
        stmt = stmt.where(Person.grid_id == grid_id)
    if status in ("present", "left"):
        stmt = stmt.where(Person.status == status)
    if q.strip():
        stmt = stmt.where(search_condition(q, user))
    return stmt


def people(user: User, *, q: str = "", grid_id: int | None = None, status: str = "present",
           page: int = 1, per_page: int = 20) -> Page:
    stmt = filtered(user, q=q, grid_id=grid_id, status=status)
    if q.strip():
        return _search_page(stmt, page, per_page)
    total = _count(stmt)
    page = _clamp(page, total, per_page)
    rows = _read_page(_in_order(stmt, sort_all=total <= SORT_ALL_UP_TO), page, per_page)
    return Page([row[0] for row in rows], total, page, per_page)


def _count(stmt) -> int:
    # maintain_column_froms: without a WHERE (an admin listing everyone) the statement's
    # only FROM is its Person column, which count(*) would otherwise drop.
    return db.session.scalar(stmt.with_only_columns(func.count(), maintain_column_froms=True).order_by(None))


def _clamp(page: int, total: int, per_page: int) -> int:
    return max(1, min(page, max(1, math.ceil(total / per_page))))


def _in_order(stmt, *, sort_all: bool, counted: bool = False) -> Select:
    """Id and name of the people ``stmt`` selects, in name order (and their number, as
    ``total`` on every row, if ``counted``).

    Only id and name: a page is cut from these, and only its 20 people are then read in
    full (``_read_page``). Reading whole rows while looking for the page meant reading
    the table for every person passed over (page 200 of a township: 48,000 rows, 165 ms);
    id, name, status and grid are all in ``ix_person_status_name``.

    ``sort_all`` finds all the people first, then sorts them. Asked for "ORDER BY name
    LIMIT 20" directly, the planner may walk the name index hoping to meet 20 of them
    early, which is right for a township or the county (every 13th or every person is
    one of them) and wrong for a coordinator's 900 people among a million (20,000
    entries for the first page, the whole index for the last) or for a search, whose
    matches sit together in name order (every 张 sorts together): 4–10 s for an admin's
    "张". MATERIALIZED keeps the two steps apart on PostgreSQL.
    """
    ids = stmt.with_only_columns(Person.id, Person.name)
    if sort_all:
        found = ids.cte("found").prefix_with("MATERIALIZED", dialect="postgresql")
        ids = select(found.c.id, found.c.name)
    if counted:
        ids = ids.add_columns(func.count().over().label("total"))
    columns = ids.selected_columns
    return ids.order_by(columns.name, columns.id)


def _read_page(in_order: Select, page: int, per_page: int) -> list:
    """Rows of (person, …) for one page of ``in_order``, people with their dwelling."""
    chosen = in_order.limit(per_page).offset((page - 1) * per_page).subquery("chosen")
    extra = [chosen.c.total] if "total" in chosen.c else []
    return db.session.execute(
        select(Person, *extra).join(chosen, chosen.c.id == Person.id)
        .options(joinedload(Person.dwelling)).order_by(chosen.c.name, chosen.c.id)
    ).all()


def _search_page(stmt, page: int, per_page: int) -> Page:
    """Search results: the page and the number of matches come from one statement, as
    the matches are all found anyway (sort_all) and a window function counts them."""
    page = max(1, page)
    while True:
        rows = _read_page(_in_order(stmt, sort_all=True, counted=True), page, per_page)
        if rows:
            return Page([person for person, _ in rows], rows[0].total, page, per_page)
        # Nothing on this page: no match at all, or a page past the end (clamped, as above).
        total = _count(stmt) if page > 1 else 0
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
        return (in_scope.with_only_columns(func.count(), maintain_column_froms=True)
                .where(*conditions).scalar_subquery())

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
    stmt = select(Person.grid_id, func.count()).where(Person.status == "present").group_by(Person.grid_id)
    condition = scope.grid_filter(user, Person.grid_id)  # none for an admin: every grid
    if condition is not None:
        stmt = stmt.where(condition)
    rows = dict(db.session.execute(stmt).all())
    return [(g, rows.get(g.id, 0)) for g in grids]
