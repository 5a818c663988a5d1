"""The figure store: per-grid, per-month counts kept in ``grid_figure`` for the report pages.

Counting a county of a million people takes seconds (a pass over every row of three
tables); reading its figures back takes milliseconds. So pages read the store, and the
store is filled from the records by ``measures.compute``:

- a closed month is counted once after it ended, and then kept (``flask refresh-figures``
  recounts the last months at night, for departures recorded late and other corrections);
- the current month is recounted when its figures are older than the
  ``figures.max_age_minutes`` setting (by the first page that needs them, or by the
  command run every few minutes from cron on a large deployment), or when a page's
  *刷新* button asks;
- a setting a measure depends on (the 24-hour entry limit) that changed after the
  figures were counted makes them out of date, as does a grid's new estimate.

Reading sums the grids of each part of an area (its townships, communities or grids)
in SQL, with the grids under each part found by their ``path``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import String, and_, case, cast, delete, func, insert, literal_column, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ..domain.figures import Ratio, Sum
from ..domain.months import Month
from ..extensions import db
from ..models import Area, GridFigure, Setting
from . import report_areas
from .measures import Context, Measure, compute


@dataclass(frozen=True)
class Coverage:
    """The grids an area covers; ``everything`` when that is every grid (no filter)."""

    area: Area | None
    grid_ids: list[int]
    everything: bool

    @classmethod
    def of(cls, area: Area | None, allowed: list[int] | None = None) -> "Coverage":
        """``allowed``: the grids the viewer may see (``scope.grid_ids``; None: all)."""
        grids = report_areas.grid_ids(area)
        if allowed is not None:
            permitted = set(allowed)
            grids = [g for g in grids if g in permitted]
        return cls(area, grids, report_areas.covers_everything(area, grids))

    def filter(self, column):
        return None if self.everything else column.in_(self.grid_ids)

    def context(self, ctx: Context) -> Context:
        """``ctx`` counting over these grids."""
        return ctx.scoped(None if self.everything else self.grid_ids)


def _months_wanted(measure: Measure, months: list[Month], ctx: Context) -> list[Month]:
    """Quality counts exist for the current month only; nothing is counted ahead of time."""
    if measure.current_only:
        return [ctx.current] if ctx.current in months else []
    return [m for m in months if m <= ctx.current]


def _settings_changed(measures) -> dict[str, dt.datetime]:
    keys = {key for m in measures for key in m.settings}
    if not keys:
        return {}
    return dict(db.session.execute(select(Setting.key, Setting.updated_at).where(Setting.key.in_(keys))).all())


def ensure(measures: list[Measure], months: list[Month], coverage: Coverage, ctx: Context, *,
           force_current: bool = False) -> dict[Month, dt.datetime | None]:
    """Make the stored figures of ``measures`` for ``months`` over ``coverage`` up to date;
    returns, per month, when its oldest figure was counted."""
    wanted = {m: _months_wanted(m, months, ctx) for m in measures}
    wanted = {m: ms for m, ms in wanted.items() if ms}
    if not wanted or not coverage.grid_ids:
        return {}
    stmt = (select(GridFigure.month, GridFigure.measure, func.count(), func.min(GridFigure.computed_at))
            .where(GridFigure.measure.in_([m.key for m in wanted]),
                   GridFigure.month.in_({month.first for ms in wanted.values() for month in ms}))
            .group_by(GridFigure.month, GridFigure.measure))
    condition = coverage.filter(GridFigure.grid_id)
    if condition is not None:
        stmt = stmt.where(condition)
    have = {(Month.from_date(r[0]), r[1]): (r[2], r[3]) for r in db.session.execute(stmt)}
    changed = _settings_changed(wanted)
    max_age = dt.timedelta(minutes=int(ctx.setting("figures.max_age_minutes")))
    stale: dict[Measure, list[Month]] = {}
    oldest: dict[Month, dt.datetime | None] = {}
    for measure, ms in wanted.items():
        latest_setting = max((changed[k] for k in measure.settings if changed.get(k)), default=None)
        for month in ms:
            count, counted_at = have.get((month, measure.key), (0, None))
            if month == ctx.current:
                fresh = counted_at is not None and counted_at >= ctx.now - max_age and not force_current
            else:
                fresh = counted_at is not None and counted_at >= month.end_utc
            fresh = fresh and count >= len(coverage.grid_ids)
            fresh = fresh and (latest_setting is None or counted_at >= latest_setting)
            if fresh:
                oldest[month] = min(counted_at, oldest.get(month) or counted_at)
            else:
                stale.setdefault(measure, []).append(month)
    if stale:
        refresh(stale, coverage, ctx)
        for ms in stale.values():
            for month in ms:
                oldest[month] = min(ctx.now, oldest.get(month) or ctx.now)
    return oldest


def refresh(pairs: dict[Measure, list[Month]], coverage: Coverage, ctx: Context) -> int:
    """Count ``pairs`` over the coverage's grids and store them (replacing what was there);
    returns the number of figures stored. Safe to run twice at once: the second writer
    to finish finds the rows already there and leaves them."""
    counted_at = ctx.now  # before counting: a record written meanwhile makes them stale
    values = compute(pairs, coverage.context(ctx))
    rows = []
    for measure, months in pairs.items():
        for month in months:
            got = values.get((month, measure.key), {})
            rows.extend({"month": month.first, "measure": measure.key, "grid_id": grid,
                         "value": got.get(grid, measure.empty), "computed_at": counted_at}
                        for grid in coverage.grid_ids)
    try:
        for measure, months in pairs.items():
            stmt = delete(GridFigure).where(GridFigure.measure == measure.key,
                                            GridFigure.month.in_([m.first for m in months]))
            condition = coverage.filter(GridFigure.grid_id)
            db.session.execute(stmt if condition is None else stmt.where(condition))
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(GridFigure), rows[start:start + 5000])
        db.session.commit()
    except IntegrityError:  # another request stored the same figures first
        db.session.rollback()
    return len(rows)


def forget(grid_id: int, keys: list[str]) -> None:
    """Drop a grid's stored figures of ``keys`` (after a change they depend on); not committed."""
    db.session.execute(delete(GridFigure).where(GridFigure.grid_id == grid_id, GridFigure.measure.in_(keys)))


# -- Reading ------------------------------------------------------------------------------------

def _parts_join(figure, parts: list[Area]):
    """Join condition placing each figure's grid in one of ``parts``: the part itself
    (a grid) or a grid whose path runs through it."""
    grid, part = aliased(Area), aliased(Area)
    prefix = part.path.concat(cast(part.id, String)).concat(literal_column("'/%'"))
    return grid, part, [
        (grid, grid.id == figure.grid_id),
        (part, and_(part.id.in_([p.id for p in parts]), or_(grid.id == part.id, grid.path.like(prefix)))),
    ]


def ratios(pairs: list[tuple[str, str]], parts: list[Area], months: list[Month]
           ) -> dict[tuple[str, str], dict[int, dict[Month, Ratio]]]:
    """``{(numerator, denominator): {part id: {month: Ratio}}}`` from the store, summing
    both over the grids whose denominator is known (``domain.figures``)."""
    out: dict[tuple[str, str], dict[int, dict[Month, Ratio]]] = {pair: {} for pair in pairs}
    if not parts or not months:
        return out
    for numerator, denominator in pairs:
        n, d = aliased(GridFigure), aliased(GridFigure)
        _, part, joins = _parts_join(n, parts)
        known = d.value.is_not(None)
        stmt = (select(part.id, n.month, func.sum(case((known, n.value), else_=0)),
                       func.sum(case((known, d.value), else_=0)), func.sum(case((known, 0), else_=1)))
                .select_from(n)
                .join(d, and_(d.grid_id == n.grid_id, d.month == n.month, d.measure == denominator)))
        for target, on in joins:
            stmt = stmt.join(target, on)
        stmt = stmt.where(n.measure == numerator, n.month.in_([m.first for m in months])).group_by(part.id, n.month)
        for part_id, month, num, den, unknown in db.session.execute(stmt):
            out[(numerator, denominator)].setdefault(part_id, {})[Month.from_date(month)] = Ratio(
                int(num or 0), int(den or 0), int(unknown or 0))
    return out


def sums(keys: list[str], parts: list[Area], months: list[Month]) -> dict[str, dict[int, dict[Month, Sum]]]:
    """``{measure: {part id: {month: Sum}}}`` from the store."""
    out: dict[str, dict[int, dict[Month, Sum]]] = {key: {} for key in keys}
    if not parts or not months or not keys:
        return out
    f = aliased(GridFigure)
    _, part, joins = _parts_join(f, parts)
    stmt = select(part.id, f.month, f.measure, func.sum(f.value), func.sum(case((f.value.is_(None), 1), else_=0)))
    stmt = stmt.select_from(f)
    for target, on in joins:
        stmt = stmt.join(target, on)
    stmt = (stmt.where(f.measure.in_(keys), f.month.in_([m.first for m in months]))
            .group_by(part.id, f.month, f.measure))
    for part_id, month, measure, value, unknown in db.session.execute(stmt):
        out[measure].setdefault(part_id, {})[Month.from_date(month)] = Sum(int(value or 0), int(unknown or 0))
    return out


def counted_at(keys: list[str], coverage: Coverage, month: Month) -> dt.datetime | None:
    """When the oldest stored figure of ``keys`` for ``month`` was counted (None: none stored)."""
    if not coverage.grid_ids:
        return None
    stmt = select(func.min(GridFigure.computed_at)).where(GridFigure.measure.in_(keys),
                                                          GridFigure.month == month.first)
    condition = coverage.filter(GridFigure.grid_id)
    return db.session.scalar(stmt if condition is None else stmt.where(condition))
