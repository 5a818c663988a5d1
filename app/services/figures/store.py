"""The figure store: per-grid, per-month counts kept in ``grid_figure`` for the report pages.

Counting a county of a million people takes seconds (a pass over every row of three
tables); reading its figures back takes milliseconds. So pages read the store, and the
store is filled from the records by ``measures.compute``:

- a closed month is counted once after it ended, and then kept (``flask refresh-figures``
  recounts the last months at night, for departures recorded late and other corrections);
- the current month is recounted when its figures are older than the
  ``figures.max_age_minutes`` setting (by the first page that needs them, or by the
  command run every few minutes from cron on a large deployment), or when a page's
  *重新统计* button asks. A page over more than ``RECOUNT_IN_PAGE_MAX_GRIDS`` grids (a
  township or a county) never counts inside the request: it shows the stored figures, saying
  when they were counted (or that they are being counted, with the job's progress), and a
  background job counts them (``Context.recount_later``, ``recount``) for the page, which
  looks again by itself. A smaller area's missing figures are counted before its page is shown;
- a setting a measure depends on (the 24-hour entry limit) that changed after the
  figures were counted makes them out of date, as does a grid's new estimate.

Reading sums an area's grids in SQL, and adds up the grids of each of its parts
(townships, communities or grids) as placed by their ``path``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ...domain.figures import Ratio, Sum
from ...domain.months import Month
from ...extensions import db
from ...models import Area, GridFigure, Setting
from ..common.bulk import any_of
from . import report_areas
from .measures import Context, Measure, compute


@dataclass(frozen=True)
class Coverage:
    """The grids an area covers (with their paths, to place them in the area's parts);
    ``everything`` when that is every grid of the deployment (no filter needed)."""

    area: Area | None
    grid_ids: list[int]
    everything: bool
    paths: dict[int, str] | None = None

    @classmethod
    def of(cls, area: Area | None, allowed: list[int] | None = None) -> "Coverage":
        """``allowed``: the grids the viewer may see (``scope.grid_ids``; None: all)."""
        paths = report_areas.grid_paths(area)
        if allowed is not None:
            permitted = set(allowed)
            paths = {g: p for g, p in paths.items() if g in permitted}
        grids = sorted(paths)
        return cls(area, grids, report_areas.covers_everything(area, grids), paths)

    def filter(self, column):
        return None if self.everything else any_of(column, self.grid_ids)

    def context(self, ctx: Context) -> Context:
        """``ctx`` counting over these grids."""
        return ctx.scoped(None if self.everything else self.grid_ids)

    def parts(self, parts: list[Area]) -> dict[int, int]:
        """Which of ``parts`` (the area's children) each grid lies in."""
        return report_areas.place(parts, self.paths or {})


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


# Recounting this month's KPIs takes 1.5 s for a township of 170 grids and 80,000 people,
# 4 s for a county of a million (docs/performance.md); a community's, a fraction of a
# second. Above this many grids, pages do not wait for it.
RECOUNT_IN_PAGE_MAX_GRIDS = 100


@dataclass(frozen=True)
class Counting:
    """Figures a background job is counting while the page shows what is stored: out of
    date (``updating``), or some not counted yet at all (``missing``); the job's progress
    (grids done of all) and roughly how long the whole count takes."""

    updating: bool = False
    missing: bool = False
    done: int | None = None
    total: int | None = None
    estimate_s: int | None = None


@dataclass
class Stored:
    """What ``ensure`` found in the store: each measure's sum over the coverage per month,
    and when the oldest figure of each month was counted; what is being counted meanwhile."""

    sums: dict[tuple[Month, str], Sum]
    counted_at: dict[Month, dt.datetime]
    counting: Counting = Counting()

    @property
    def updating(self) -> bool:
        return self.counting.updating

    def sum(self, month: Month, key: str) -> Sum:
        return self.sums.get((month, key), Sum())


# Measured on the demo county of a million people (docs/performance.md): 12 months of every
# KPI over 2,016 grids took 31 s, this month alone 4 s: about 1.5 ms per grid and month.
SECONDS_PER_GRID_MONTH = 0.0015


def estimate_seconds(pairs: dict[Measure, list[Month]], grids: int) -> int:
    months = len({month for ms in pairs.values() for month in ms})
    return max(2, round(grids * months * SECONDS_PER_GRID_MONTH))


def _summary(keys: list[str], months: list[Month], coverage: Coverage):
    """One pass over the stored rows: per month and measure, how many grids have a figure,
    the oldest, and their sum (and how many are unknown)."""
    f = GridFigure
    stmt = (select(f.month, f.measure, func.count(), func.min(f.computed_at), func.sum(f.value),
                   func.sum(case((f.value.is_(None), 1), else_=0)))
            .where(f.measure.in_(keys), f.month.in_({m.first for m in months})).group_by(f.month, f.measure))
    return {(Month.from_date(r[0]), r[1]): r[2:] for r in db.session.execute(_where(stmt, coverage, f.grid_id))}


def ensure(measures: list[Measure], months: list[Month], coverage: Coverage, ctx: Context, *,
           force_current: bool = False) -> Stored:
    """Make the stored figures of ``measures`` for ``months`` over ``coverage`` up to date,
    and return their sums: counting the out-of-date ones again first, if any."""
    wanted = {m: _months_wanted(m, months, ctx) for m in measures}
    wanted = {m: ms for m, ms in wanted.items() if ms}
    if not wanted or not coverage.grid_ids:
        return Stored({}, {})
    keys, all_months = [m.key for m in wanted], sorted({month for ms in wanted.values() for month in ms})
    have = _summary(keys, all_months, coverage)
    changed = _settings_changed(wanted)
    max_age = dt.timedelta(minutes=int(ctx.setting("figures.max_age_minutes")))
    stale: dict[Measure, list[Month]] = {}  # counted now
    old: dict[Measure, list[Month]] = {}  # this month's, complete but out of date: maybe after the page
    absent = False  # some figures not counted at all
    for measure, ms in wanted.items():
        latest_setting = max((changed[k] for k in measure.settings if changed.get(k)), default=None)
        for month in ms:
            count, counted_at = have.get((month, measure.key), (0, None))[:2]
            if month == ctx.current:
                fresh = counted_at is not None and counted_at >= ctx.now - max_age and not force_current
            else:
                fresh = counted_at is not None and counted_at >= month.end_utc
            complete = count >= len(coverage.grid_ids)
            absent = absent or not complete
            fresh = fresh and complete
            if not (fresh and (latest_setting is None or counted_at >= latest_setting)):
                later = complete and month == ctx.current and not force_current
                (old if later else stale).setdefault(measure, []).append(month)
    big = ctx.recount_later and len(coverage.grid_ids) > RECOUNT_IN_PAGE_MAX_GRIDS
    if big and force_current:  # 重新统计 over a township or a county: in the background too
        for measure, ms in stale.items():
            old.setdefault(measure, []).extend(ms)
        stale = {}
    if old and not big:
        for measure, ms in old.items():
            stale.setdefault(measure, []).extend(ms)
        old = {}
    if stale and big:  # not counted, or a closed month counted before its end: a county's page never waits
        for measure, ms in stale.items():
            old.setdefault(measure, []).extend(ms)
        stale = {}
    if stale:
        refresh(stale, coverage, ctx)
        have = _summary(keys, all_months, coverage)
    stored = Stored({}, {})
    job = _recount_later(old, coverage, ctx) if old else (_recounting(coverage) if big else None)
    if job is not None:
        pairs = old or {m: [ctx.current] for m in wanted}
        stored.counting = Counting(True, absent and bool(old), job.done, job.total,
                                   estimate_seconds(pairs, len(coverage.grid_ids)))
    for (month, key), (_, counted_at, value, unknown) in have.items():
        stored.sums[(month, key)] = Sum(int(value or 0), int(unknown or 0))
        stored.counted_at[month] = min(counted_at, stored.counted_at.get(month, counted_at))
    return stored


def _recount_later(pairs: dict[Measure, list[Month]], coverage: Coverage, ctx: Context):
    """A background job counts them (one per area and measures, however many pages ask);
    returns that job."""
    from .recount import enqueue
    return enqueue(pairs, coverage)


def _recounting(coverage: Coverage):
    """A recount of these grids asked for by someone else (another page, the button)."""
    from .recount import running
    return running(coverage)


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
    same_months: dict[tuple[Month, ...], list[str]] = {}
    for measure, months in pairs.items():
        same_months.setdefault(tuple(sorted(months)), []).append(measure.key)
    try:
        for months, keys in same_months.items():
            stmt = delete(GridFigure).where(GridFigure.measure.in_(keys), GridFigure.month.in_([m.first for m in months]))
            db.session.execute(_where(stmt, coverage, GridFigure.grid_id))
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(GridFigure), rows[start:start + 5000])
        db.session.commit()
    except IntegrityError:  # another request stored the same figures first
        db.session.rollback()
    return len(rows)


# ``computed_at`` of figures a later change made out of date: older than any month's end,
# so the next read (``ensure``) or ``flask refresh-figures`` counts them again.
STALE = dt.datetime(2000, 1, 1)


def mark_stale(grid_id: int | None, days, keys: list[str], current: Month) -> None:
    """A change touched these days' months for one grid (a result recorded late, a date
    moved): its stored figures of ``keys`` for the closed months among them are out of date.
    One indexed UPDATE, in the caller's transaction (the current month is recounted by age)."""
    months = {Month.from_date(day).first for day in days if day is not None and Month.from_date(day) < current}
    if grid_id is not None and months:
        db.session.execute(update(GridFigure).where(
            GridFigure.grid_id == grid_id, GridFigure.month.in_(months), GridFigure.measure.in_(keys))
            .values(computed_at=STALE).execution_options(synchronize_session=False))


def stale() -> dict[tuple[Month, str], list[int]]:
    """The figures marked out of date: (month, measure) → grids."""
    out: dict[tuple[Month, str], list[int]] = {}
    for month, key, grid_id in db.session.execute(select(GridFigure.month, GridFigure.measure, GridFigure.grid_id)
                                                  .where(GridFigure.computed_at == STALE)):
        out.setdefault((Month.from_date(month), key), []).append(grid_id)
    return out


def forget(grid_id: int, keys: list[str]) -> None:
    """Drop a grid's stored figures of ``keys`` (after a change they depend on); not committed."""
    db.session.execute(delete(GridFigure).where(GridFigure.grid_id == grid_id, GridFigure.measure.in_(keys)))


# -- Reading ------------------------------------------------------------------------------------
# Totals over an area come from SQL (a sum per month); the figures of its parts are read
# per grid for one month and added up here, each grid placed by its path.

def _where(stmt, coverage: Coverage, column):
    condition = coverage.filter(column)
    return stmt if condition is None else stmt.where(condition)


def _paired(denominator: str):
    """The numerator's figures (``n``) and, beside each, the denominator's (``d``) of the
    same grid and month."""
    n, d = aliased(GridFigure), aliased(GridFigure)
    return n, d, and_(d.grid_id == n.grid_id, d.month == n.month, d.measure == denominator)


def ratios(pairs: list[tuple[Measure, Measure]], coverage: Coverage, months: list[Month], stored: Stored
           ) -> dict[tuple[str, str], dict[Month, Ratio]]:
    """``{(numerator, denominator): {month: Ratio}}`` over the coverage. Both are summed
    over the grids whose denominator is known (``domain.figures``): straight from the
    stored sums where it always is (a count), grid by grid where it may not be (an
    estimate)."""
    out: dict[tuple[str, str], dict[Month, Ratio]] = {}
    for numerator, denominator in pairs:
        pair = (numerator.key, denominator.key)
        if denominator.value is None:
            out[pair] = {m: Ratio(stored.sum(m, numerator.key).value, stored.sum(m, denominator.key).value)
                         for m in months}
            continue
        out[pair] = {}
        if not coverage.grid_ids or not months:
            continue
        n, d, beside = _paired(denominator.key)
        known = d.value.is_not(None)
        stmt = (select(n.month, func.sum(case((known, n.value), else_=0)), func.sum(case((known, d.value), else_=0)),
                       func.sum(case((known, 0), else_=1)))
                .select_from(n).join(d, beside)
                .where(n.measure == numerator.key, n.month.in_([m.first for m in months])).group_by(n.month))
        for month, num, den, unknown in db.session.execute(_where(stmt, coverage, n.grid_id)):
            out[pair][Month.from_date(month)] = Ratio(int(num or 0), int(den or 0), int(unknown or 0))
    return out


def ratios_by_part(pairs: list[tuple[str, str]], coverage: Coverage, parts: list[Area], month: Month
                   ) -> dict[tuple[str, str], dict[int, Ratio]]:
    """``{(numerator, denominator): {part id: Ratio}}`` for one month."""
    place = coverage.parts(parts)
    out: dict[tuple[str, str], dict[int, Ratio]] = {pair: {} for pair in pairs}
    for numerator, denominator in pairs:
        n, d, beside = _paired(denominator)
        stmt = (select(n.grid_id, n.value, d.value).select_from(n).join(d, beside)
                .where(n.measure == numerator, n.month == month.first))
        totals: dict[int, list[int]] = {}
        for grid, num, den in db.session.execute(_where(stmt, coverage, n.grid_id)):
            part = place.get(grid)
            if part is None:
                continue
            t = totals.setdefault(part, [0, 0, 0])
            if den is None:
                t[2] += 1
            else:
                t[0] += num or 0
                t[1] += den
        out[(numerator, denominator)] = {part: Ratio(*t) for part, t in totals.items()}
    return out


def sums_by_part(keys: list[str], coverage: Coverage, parts: list[Area], month: Month) -> dict[str, dict[int, Sum]]:
    """``{measure: {part id: Sum}}`` for one month."""
    place = coverage.parts(parts)
    totals: dict[str, dict[int, list[int]]] = {key: {} for key in keys}
    f = GridFigure
    stmt = select(f.grid_id, f.measure, f.value).where(f.measure.in_(keys), f.month == month.first)
    for grid, measure, value in db.session.execute(_where(stmt, coverage, f.grid_id)):
        part = place.get(grid)
        if part is not None:
            t = totals[measure].setdefault(part, [0, 0])
            t[0 if value is not None else 1] += value if value is not None else 1
    return {key: {part: Sum(*t) for part, t in by_part.items()} for key, by_part in totals.items()}


def stored_sums(keys: list[str], grid_ids: list[int] | None, month: Month) -> tuple[dict[str, int], dt.datetime] | None:
    """The sums of ``keys`` for ``month`` over ``grid_ids`` (None: every grid) as stored, and
    when the oldest of them was counted; None unless every grid has every one (and none
    is unknown). Reading them is one pass over the stored rows, however many people."""
    if grid_ids is not None and not grid_ids:
        return None
    coverage = Coverage(None, grid_ids or [], grid_ids is None)
    have = _summary(keys, [month], coverage)
    expected = len(grid_ids) if grid_ids is not None else db.session.scalar(
        select(func.count()).select_from(Area).where(Area.level == "grid"))
    sums, oldest = {}, None
    for key in keys:
        grids, counted, value, unknown = have.get((month, key), (0, None, None, 0))
        if grids < expected or unknown or counted is None:
            return None
        sums[key] = int(value or 0)
        oldest = counted if oldest is None else min(oldest, counted)
    return sums, oldest


def grids_with(key: str, coverage: Coverage, month: Month) -> list[int]:
    """The grids whose stored figure of ``key`` for ``month`` is above zero."""
    f = GridFigure
    stmt = select(f.grid_id).where(f.measure == key, f.month == month.first, f.value > 0).order_by(f.grid_id)
    return list(db.session.scalars(_where(stmt, coverage, f.grid_id)))


def counted_at(keys: list[str], coverage: Coverage, month: Month) -> dt.datetime | None:
    """When the oldest stored figure of ``keys`` for ``month`` was counted (None: none stored)."""
    if not coverage.grid_ids:
        return None
    stmt = select(func.min(GridFigure.computed_at)).where(GridFigure.measure.in_(keys),
                                                          GridFigure.month == month.first)
    condition = coverage.filter(GridFigure.grid_id)
    return db.session.scalar(stmt if condition is None else stmt.where(condition))
