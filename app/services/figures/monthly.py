"""The monthly statistical report (月报) of an area: the month's movements, its KPIs
against their targets and the month before, the same for each part of the area, and the
data-quality counts, from the figure store."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...domain.figures import Sum
from ...domain.months import Month
from ...models import Area
from . import kpi, quality, report_areas
from . import measures as m
from . import store as figures
from .measures import Context

# Lines of the report's first table, in order.
MOVEMENTS = (m.ON_RECORD, m.REGISTERED, m.ARRIVED, m.LEFT, m.ESTIMATE)


@dataclass
class Monthly:
    area: Area | None
    month: Month
    parts: list[Area]
    kpis: kpi.Report
    movements: dict[str, dict[int | None, Sum]]  # measure key → part id (None: the area) → figure
    previous: dict[str, Sum]  # the area's figures the month before
    quality: dict[str, dict[int | None, int]] | None  # rule key → part id (None: the area) → count
    quality_counted_at: dt.datetime | None


def report(area: Area | None, coverage: figures.Coverage, month: Month, ctx: Context) -> Monthly:
    kpis = kpi.report(area, coverage, month, ctx)
    stored = figures.ensure(list(MOVEMENTS), [month.shift(-1), month], coverage, ctx)
    parts = report_areas.children(area)
    keys = [x.key for x in MOVEMENTS]
    by_part = figures.sums_by_part(keys, coverage, parts, month)
    movements = {key: {**{p.id: by_part[key].get(p.id, Sum()) for p in parts}, None: stored.sum(month, key)}
                 for key in keys}
    previous = {key: stored.sum(month.shift(-1), key) for key in keys}
    return Monthly(area, month, parts, kpis, movements, previous, *_quality(area, coverage, month, ctx, parts))


def _quality(area, coverage, month: Month, ctx: Context, parts):
    """This month's counts now; a past month's as last counted during that month, if ever."""
    keys = [r.measure.key for r in quality.RULES]
    if month == ctx.current:
        summary = quality.summary(area, coverage, ctx)
        counts = {key: {**by_part, None: summary.totals[key]} for key, by_part in summary.counts.items()}
        return counts, summary.counted_at
    when = figures.counted_at(keys, coverage, month)
    if when is None:
        return None, None
    stored = figures.sums_by_part(keys, coverage, parts, month)
    counts = {}
    for rule in quality.RULES:
        by_part = {p.id: stored[rule.measure.key].get(p.id, Sum()).value for p in parts}
        counts[rule.key] = {**by_part, None: sum(by_part.values())}
    return counts, when
