"""Finding people in the user's scope: work lists, active search, counts."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select
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


def search_condition(q: str):
    """What a search box query matches.

    Digits: the start of an ID number, or any part of a phone number (the last 4 digits
    are what people remember). Text: the start of a name, or part of the address.
    """
    q = q.strip()
    if _DIGITS.match(q):
        q = q.upper()
        conditions = [Person.id_number.like(like_prefix(q), escape="\\")]
        if q.isdigit():
            conditions.append(Person.phone.like("%" + like_prefix(q), escape="\\"))
        return or_(*conditions)
    pattern = like_prefix(q)
    return or_(
        Person.name.like(pattern, escape="\\"),
        Person.dwelling_id.in_(
            select(Dwelling.id).where(Dwelling.address.like("%" + pattern, escape="\\"))),
    )


def people(user: User, *, q: str = "", grid_id: int | None = None, status: str = "present",
           page: int = 1, per_page: int = 20) -> Page:
    stmt = scope.people(user)
    if grid_id:
        stmt = stmt.where(Person.grid_id == grid_id)
    if status in ("present", "left"):
        stmt = stmt.where(Person.status == status)
    if q.strip():
        stmt = stmt.where(search_condition(q))
    total = db.session.scalar(stmt.with_only_columns(func.count()).order_by(None))
    page = max(1, min(page, max(1, math.ceil(total / per_page))))
    items = db.session.scalars(
        stmt.options(joinedload(Person.dwelling)).order_by(Person.name, Person.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(list(items), total, page, per_page)


@dataclass
class GridCounts:
    present: int
    arrived_this_month: int
    left_this_month: int


def counts(user: User, today: dt.date, grid_id: int | None = None) -> GridCounts:
    first, nxt = month_bounds(today)
    stmt = select(
        func.count(case((Person.status == "present", 1))),
        func.count(case((and_(Person.arrived_on >= first, Person.arrived_on < nxt), 1))),
        func.count(case((and_(Person.left_on >= first, Person.left_on < nxt), 1))),
    )
    condition = scope.grid_filter(user, Person.grid_id)
    if condition is not None:
        stmt = stmt.where(condition)
    if grid_id:
        stmt = stmt.where(Person.grid_id == grid_id)
    row = db.session.execute(stmt).one()
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
