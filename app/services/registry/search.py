"""Finding people in the user's scope: work lists, active search, counts."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import Select, Text, any_, cast, func, null, or_, select
from sqlalchemy.dialects import postgresql

from ...domain.clock import month_bounds
from ...domain.months import Month
from ...extensions import db
from ...models import Area, Dwelling, Person, User
from .. import scope
from ..common import paging
from ..common.paging import Cursor, Page, Seek
from ..figures import report_areas
from ..figures import store as figure_store

_DIGITS = re.compile(r"^\d+[\dXx]?$")


def like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def like_anywhere(text: str) -> str:
    return "%" + like_prefix(text)


def _characters(q: str):
    """Each character of ``q``, as the array ``string_to_array(column, NULL) @>`` looks for."""
    return cast(postgresql.array(sorted(set(q))), postgresql.ARRAY(Text))


def search_condition(q: str, user: User):
    """What a search box query matches, for ``user``.

    Digits: the start of an ID number, or any part of a phone number (the last 4 digits
    are what people remember). Text: any part of a name (a given name is searched for as
    often as a surname: 伟 finds 张伟), or, from 2 characters on, part of the address of a
    dwelling in the user's scope (a person's dwelling is always in the person's grid:
    ``dwellings.resolve_dwelling`` refuses any other).

    The caller adds the user's scope (``filtered``): for a coordinator that is a few
    hundred people, read through the grid index and tested one by one. Over a township
    or the county, on PostgreSQL each side of the OR can use an index, so the database
    combines them (a BitmapOr) instead of testing every person in scope:

    - ``id_number`` prefixes: a ``text_pattern_ops`` index (the collation is not C, so a
      plain index cannot serve ``LIKE 'x%'``);
    - ``name``, ``phone`` and ``address`` fragments: pg_trgm GIN indexes, which need at
      least 3 characters; a fragment of 1 or 2 characters (most names have 2 or 3) uses
      the GIN index of each name's or address's characters instead, and the LIKE then
      keeps those that have them in that order;
    - the matching dwellings come back as an array (``= ANY(ARRAY(…))``), which an index
      can look up, where ``IN (SELECT …)`` under an OR becomes a filter on every row.
    """
    q = q.strip()
    if _DIGITS.match(q):
        q = q.upper()
        conditions = [Person.id_number.like(like_prefix(q), escape="\\")]
        if q.isdigit():
            conditions.append(Person.phone.like(like_anywhere(q), escape="\\"))
        return or_(*conditions)
    pattern = like_anywhere(q)
    name = Person.name.like(pattern, escape="\\")
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres and len(q) < 3:
        # Implied by the LIKE (every character of q is in the name), and indexed by
        # ix_person_name_chars; the LIKE stays, and is what a scan of the scope tests
        # first (cheaper than splitting every name). NULL is a literal, so the
        # expression is the index's.
        name = func.string_to_array(Person.name, null()).op("@>")(_characters(q)) & name
    if len(q) < 2:
        return name  # one character is a name's (伟), too little to find an address by
    dwellings = scope.dwellings(user).with_only_columns(Dwelling.id).where(Dwelling.address.like(pattern, escape="\\"))
    if postgres and len(q) < 3:
        dwellings = dwellings.where(func.string_to_array(Dwelling.address, null()).op("@>")(_characters(q)))
    if not postgres:
        return or_(name, Person.dwelling_id.in_(dwellings))
    return or_(name, Person.dwelling_id == any_(func.array(dwellings.scalar_subquery())))


# Up to this many people, a page is cut by sorting them all (a few milliseconds); above
# it, the planner chooses, usually reading the name index in order (see ``_in_order``).
SORT_ALL_UP_TO = 10_000


def filtered(user: User, *, q: str = "", grid_id: int | None = None, status: str = "present",
             area: Area | None = None) -> Select:
    """The people a list shows: in scope, in ``grid_id`` or under ``area`` if given, of
    ``status`` (present, left, or anything else for all), matching the search text ``q``."""
    stmt = scope.people(user)
    if grid_id:
        stmt = stmt.where(Person.grid_id == grid_id)
    elif area is not None:
        stmt = stmt.where(Person.grid_id.in_(report_areas.grid_ids(area)))
    if status in ("present", "left"):
        stmt = stmt.where(Person.status == status)
    if q.strip():
        stmt = stmt.where(search_condition(q, user))
    return stmt


def people(user: User, *, q: str = "", grid_id: int | None = None, status: str = "present",
           area: Area | None = None, cursor: Cursor = Cursor(), per_page: int = 20,
           estimate: Callable[[], int | None] | None = None) -> Page:
    """One page of the people ``filtered`` selects, in name order, from ``cursor``.

    The total: a search's matches are all found anyway (to sort them), and a window
    function counts them in the same statement; a list is counted up to
    ``paging.EXACT_UP_TO`` and estimated above (``paging.total``; ``estimate``: the
    caller's, e.g. the stored figure of the people present)."""
    stmt = filtered(user, q=q, grid_id=grid_id, status=status, area=area)
    searching = bool(q.strip())
    counted = None if searching else paging.total(stmt, cursor, estimate=estimate)
    in_order = _in_order(stmt, sort_all=searching or counted.exact and counted.value <= SORT_ALL_UP_TO,
                         counted=searching)
    columns = in_order.selected_columns
    seek = Seek.of(cursor, (columns.name, columns.id), per_page, lambda person_id: _key_of(user, person_id))
    rows = _read_page(seek.apply(in_order))
    if searching:
        matches = rows[0].total if rows else 0
        if not rows and not cursor.first:  # past the end (the rows after the cursor were removed)
            matches = paging.exact_count(stmt)
        counted = paging.Total(matches, True)
    return seek.page(rows, counted, in_reading_order=True)


def _key_of(user: User, person_id: int):
    """A person's place in name order (the cursor of a page link), if in scope."""
    return db.session.execute(scope.people(user).with_only_columns(Person.name, Person.id)
                              .where(Person.id == person_id)).first()


def _in_order(stmt, *, sort_all: bool, counted: bool = False) -> Select:
    """Id and name of the people ``stmt`` selects, to be put in name order (and their
    number, as ``total`` on every row, if ``counted``).

    Only id and name: a page is cut from these, and only its 20 people are then read in
    full (``_read_page``); id, name, status and grid are all in ``ix_person_grid_status_name``.

    ``sort_all`` finds all the people first, then sorts them. Asked for "ORDER BY name
    LIMIT 20" directly, the planner may walk the name index hoping to meet 20 of them
    early, which is right for a township or the county (every 13th or every person is
    one of them) and wrong for a coordinator's 900 people among a million (20,000
    entries for the first page, the whole index for the last) or for a search, whose
    matches sit together in name order (every 张 sorts together): 4–10 s for an admin's
    "张". MATERIALIZED keeps the two steps apart on PostgreSQL; the count is taken inside
    it, before the page's cursor condition.
    """
    ids = stmt.with_only_columns(Person.id, Person.name)
    if counted:
        ids = ids.add_columns(func.count().over().label("total"))
    if sort_all:
        found = ids.cte("found").prefix_with("MATERIALIZED", dialect="postgresql")
        ids = select(*found.c)
    return ids


# What a list shows of a person: read as plain rows (no ORM objects: building, tracking and
# loading their dwellings cost more than the query for a page that only displays them).
LISTED = (Person.id, Person.name, Person.status, Person.id_number, Person.sex, Person.birth_date,
          Dwelling.address.label("address"))


def _read_page(cut: Select) -> list:
    """Rows of ``LISTED`` (and ``total`` if ``cut`` has it) for the ids and names of ``cut``
    (a page), in name order."""
    chosen = cut.subquery("chosen")
    extra = [chosen.c.total] if "total" in chosen.c else []
    return db.session.execute(
        select(*LISTED, *extra).select_from(chosen).join(Person, Person.id == chosen.c.id)
        .outerjoin(Dwelling, Dwelling.id == Person.dwelling_id).order_by(chosen.c.name, chosen.c.id)
    ).all()


@dataclass
class GridCounts:
    present: int
    arrived_this_month: int
    left_this_month: int
    counted_at: dt.datetime | None = None  # from the figure store, counted then; None: now


# Over more grids than this the counts come from the figure store (people.on_record,
# .arrived, .left of this month, kept up to date by ``flask refresh-figures``): counting a
# township's 77,000 or the county's 920,000 people on every page was most of its time.
COUNTS_FROM_STORE_OVER = 12
_STORED = ("people.on_record", "people.arrived", "people.left")


def counts(user: User, today: dt.date, grid_id: int | None = None, area: Area | None = None) -> GridCounts:
    """Present, arrived this month and left this month in scope (narrowed to a grid or an
    area): from the figure store over many grids if it has them all, else counted."""
    if not grid_id:
        grids = scope.grid_ids(user)
        if area is not None:
            under = report_areas.grid_ids(area)
            grids = under if grids is None else sorted(set(under) & set(grids))
        if grids is None or len(grids) > COUNTS_FROM_STORE_OVER:
            stored = figure_store.stored_sums(list(_STORED), grids, Month.from_date(today))
            if stored is not None:
                sums, at = stored
                return GridCounts(*(sums[k] for k in _STORED), counted_at=at)
    return _counted(user, today, grid_id, area)


def _counted(user: User, today: dt.date, grid_id: int | None, area: Area | None) -> GridCounts:
    """One statement, three counts, each of which an index answers on its own
    (``ix_person_grid_status_name``, ``ix_person_grid_arrived``, ``ix_person_grid_left``):
    counting with CASE over every row in scope read every row of a township."""
    first, nxt = month_bounds(today)
    in_scope = filtered(user, grid_id=grid_id, status="all", area=area)

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
