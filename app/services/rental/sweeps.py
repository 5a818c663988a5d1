"""每月入户核查: coordinators mark each dwelling visited this month; coverage is
visited / total dwellings per grid and month (``sweep_visit`` holds one row per visit)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from ...domain import rental
from ...domain.clock import LOCAL, local_today, month_bounds, utcnow
from ...domain.text import N_
from ...extensions import db
from ...models import Dwelling, SweepVisit, User
from .. import scope
from ..common import audit
from ..common.context import Actor
from ..common.errors import ValidationFailed

RESULTS = dict(rental.SWEEP_RESULTS)


@dataclass(frozen=True)
class Coverage:
    visited: int
    total: int

    @property
    def percent(self) -> int | None:
        return rental.percent(self.visited, self.total)


def this_month() -> dt.date:
    return local_today().replace(day=1)


def coverage(grid_ids: list[int], month: dt.date) -> dict[int, Coverage]:
    """Grid id → visited / total dwellings in ``month`` (dwellings registered by its end).
    Two grouped counts on indexed columns, whatever the number of grids."""
    if not grid_ids:
        return {}
    month, next_month = month_bounds(month)
    # Local midnight of the next month, as the naive UTC the columns hold.
    end = dt.datetime.combine(next_month, dt.time(), LOCAL).astimezone(dt.timezone.utc).replace(tzinfo=None)
    totals = dict(db.session.execute(
        select(Dwelling.grid_id, func.count()).where(Dwelling.grid_id.in_(grid_ids), Dwelling.created_at < end)
        .group_by(Dwelling.grid_id)).all())
    visited = dict(db.session.execute(
        select(SweepVisit.grid_id, func.count()).where(SweepVisit.grid_id.in_(grid_ids), SweepVisit.month == month)
        .group_by(SweepVisit.grid_id)).all())
    return {g: Coverage(visited.get(g, 0), totals.get(g, 0)) for g in grid_ids}


def visits(grid_id: int, month: dt.date) -> dict[int, SweepVisit]:
    """Dwelling id → its visit in ``month``."""
    rows = db.session.scalars(select(SweepVisit).where(SweepVisit.grid_id == grid_id, SweepVisit.month == month))
    return {v.dwelling_id: v for v in rows}


def dwellings(user: User, grid_id: int, show: str = "todo") -> list[tuple[Dwelling, SweepVisit | None]]:
    """The grid's dwellings with this month's visit; ``show``: todo, done or all."""
    grid = scope.get_grid(user, grid_id)
    done = visits(grid.id, this_month())
    rows = [(d, done.get(d.id)) for d in db.session.scalars(
        select(Dwelling).where(Dwelling.grid_id == grid.id).order_by(Dwelling.address, Dwelling.id))]
    if show == "todo":
        return [r for r in rows if r[1] is None]
    if show == "done":
        return [r for r in rows if r[1] is not None]
    return rows


def mark(actor: Actor, user: User, dwelling_id: int, result: str, note: str | None = None) -> SweepVisit:
    """This month's visit of a dwelling; marking it again replaces the result (audited)."""
    dwelling = scope.get_dwelling(user, dwelling_id)
    if result not in RESULTS:
        raise ValidationFailed({"result": N_("请选择走访结果")})
    month = this_month()
    note = (note or "").strip()[:200] or None
    visit = db.session.scalars(select(SweepVisit).where(
        SweepVisit.dwelling_id == dwelling.id, SweepVisit.month == month)).first()
    before = audit.snapshot(visit, ["result", "note", "visited_by_id"]) if visit else None
    if visit is None:
        visit = SweepVisit(dwelling_id=dwelling.id, grid_id=dwelling.grid_id, month=month)
        db.session.add(visit)
    visit.result, visit.note, visit.visited_at, visit.visited_by_id = result, note, utcnow(), actor.user_id
    db.session.flush()
    audit.record(actor, "sweep.visit", "dwelling", dwelling.id, before,
                 {"month": month, **audit.snapshot(visit, ["result", "note", "visited_by_id"])})
    db.session.commit()
    return visit


def history(user: User, months: list[dt.date]) -> list[tuple[object, list[Coverage]]]:
    """(grid, coverage of each month) for every grid of the user's scope."""
    grids = scope.grids(user)
    ids = [g.id for g in grids]
    per_month = [coverage(ids, m) for m in months]
    return [(g, [c[g.id] for c in per_month]) for g in grids]


def last_visits(dwelling_ids: list[int]) -> dict[int, dt.date]:
    """Dwelling id → the month of its latest visit."""
    if not dwelling_ids:
        return {}
    return dict(db.session.execute(select(SweepVisit.dwelling_id, func.max(SweepVisit.month))
                                   .where(SweepVisit.dwelling_id.in_(dwelling_ids))
                                   .group_by(SweepVisit.dwelling_id)).all())
