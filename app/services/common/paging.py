"""Paging for every list: keyset (seek) pages and totals that do not count the world.

A page is found by where it starts, not by how many rows come before it: "the 20 rows
after row 4711 in (name, id) order" is an index range read of 21 entries whatever the
page, where ``OFFSET 20 000`` reads and throws away 20 000 rows first. The cursor in a
link is the id of a row (never a name or anything personal: links end up in logs), and
the row's sort key is looked up when the link is followed (``key_of``). Rows inserted
or removed meanwhile do not shift the pages: the next page still starts right after
the last row seen.

The total is counted exactly up to ``EXACT_UP_TO`` rows (a bounded count: at most that
many index entries read); above that it is an estimate from the caller (the figure
store) or the planner, shown as "约 77,000", and counted exactly only when asked
(``Cursor.exact``: a tap away in the page).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Sequence

from sqlalchemy import Select, bindparam, func, literal_column, select, text, tuple_

from ...extensions import db

EXACT_UP_TO = 10_000


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: right after (or right before) the row with this id; the first
    page without either. ``exact``: count the total exactly, however long that takes."""

    after: int | None = None
    before: int | None = None
    exact: bool = False

    @property
    def first(self) -> bool:
        return not (self.after or self.before)


@dataclass
class Page:
    items: list
    total: int
    exact: bool  # False: ``total`` is an estimate ("约")
    has_prev: bool
    has_next: bool
    first_id: int | None  # the links' cursors: ``before=first_id`` / ``after=last_id``
    last_id: int | None
    per_page: int

    def mapped_all(self, f: Callable[[list], list]) -> "Page":
        """The same page with its items made by ``f`` from all of them at once."""
        self.items = f(self.items)
        return self

    def mapped(self, f: Callable) -> "Page":
        """The same page with ``f`` applied to each item (rows to the objects shown)."""
        self.items = [f(item) for item in self.items]
        return self


@dataclass(frozen=True)
class Total:
    value: int
    exact: bool


def bounded_count(stmt: Select, limit: int = EXACT_UP_TO) -> int:
    """How many rows ``stmt`` selects, counting no further than ``limit + 1``."""
    rows = stmt.with_only_columns(literal_column("1"), maintain_column_froms=True).order_by(None).limit(limit + 1)
    return db.session.scalar(select(func.count()).select_from(rows.subquery()))


def exact_count(stmt: Select) -> int:
    return db.session.scalar(stmt.with_only_columns(func.count(), maintain_column_froms=True).order_by(None))


def planner_estimate(stmt: Select) -> int | None:
    """PostgreSQL's estimate of the rows ``stmt`` selects (``EXPLAIN``: no rows read)."""
    bind = db.session.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    try:
        compiled = stmt.order_by(None).compile(dialect=bind.dialect, compile_kwargs={"literal_binds": True})
    except Exception:  # a parameter with no literal form: no estimate  # noqa: BLE001
        return None
    plan = db.session.execute(text("EXPLAIN (FORMAT JSON) " + str(compiled))).scalar()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def total(stmt: Select, cursor: Cursor = Cursor(), *, estimate: Callable[[], int | None] | None = None) -> Total:
    """The number of rows of ``stmt``: exact when at most ``EXACT_UP_TO`` or when the cursor
    asks; otherwise ``estimate()`` (e.g. from the figure store), else the planner's."""
    if cursor.exact:
        return Total(exact_count(stmt), True)
    guess = estimate() if estimate else None
    if guess is not None and guess > 2 * EXACT_UP_TO:  # far too many to count: not even up to the bound
        return Total(guess, False)
    n = bounded_count(stmt)
    if n <= EXACT_UP_TO:
        return Total(n, True)
    guess = guess or planner_estimate(stmt)
    if guess is None:  # SQLite: a small deployment, count it
        return Total(exact_count(stmt), True)
    return Total(max(guess, EXACT_UP_TO + 1), False)


@dataclass(frozen=True)
class Seek:
    """One page of a statement in the order of ``order`` (sort columns, the row's unique id
    last; all ascending, or all descending with ``descending``), from a cursor."""

    order: tuple
    key: tuple | None  # the sort key of the cursor's row, None on the first page
    backwards: bool  # the page before the cursor
    per_page: int
    descending: bool = False

    @classmethod
    def of(cls, cursor: Cursor, order: Sequence, per_page: int, key_of: Callable[[int], Sequence | None], *,
           descending: bool = False) -> "Seek":
        """``key_of(id)``: the sort key (values of ``order``) of row ``id``, or None when it
        is gone (the list then starts again at the top)."""
        row_id = cursor.before or cursor.after
        key = key_of(row_id) if row_id else None
        return cls(tuple(order), tuple(key) if key is not None else None, bool(key is not None and cursor.before),
                   per_page, descending)

    def apply(self, stmt: Select) -> Select:
        """``stmt`` cut to the page (and one row more, to tell whether there is another),
        in reading order, or in reverse when going back."""
        if self.key is not None:
            row = tuple_(*self.order)
            value = tuple_(*[bindparam(None, v, type_=c.type) for v, c in zip(self.key, self.order)])
            stmt = stmt.where(row < value if self.backwards != self.descending else row > value)
        reverse = self.backwards != self.descending
        return stmt.order_by(None).order_by(*[c.desc() if reverse else c.asc() for c in self.order]) \
            .limit(self.per_page + 1)

    def page(self, rows: list, total: Total, id_of: Callable = lambda row: row.id, *,
             in_reading_order: bool = False) -> Page:
        """The page from the rows of ``apply`` (reversed back into reading order when going
        back, unless the caller read them so: ``in_reading_order``)."""
        rows = list(rows)
        more = len(rows) > self.per_page
        if self.backwards:
            if in_reading_order:
                rows = rows[1:] if more else rows
            else:
                rows = list(reversed(rows[:self.per_page]))
            has_prev, has_next = more, True
        else:
            rows = rows[:self.per_page]
            has_prev, has_next = self.key is not None, more
        return Page(rows, total.value, total.exact, has_prev, has_next,
                    id_of(rows[0]) if rows else None, id_of(rows[-1]) if rows else None, self.per_page)

    def run(self, stmt: Select, total: Total, id_of: Callable = lambda row: row.id, *, scalars: bool = True) -> Page:
        result = db.session.execute(self.apply(stmt))
        rows = result.scalars().unique().all() if scalars else result.all()
        return self.page(rows, total, id_of)
