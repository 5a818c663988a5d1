"""Counting every stored figure again, for ``flask refresh-figures`` (from cron: this
month every few minutes on a large deployment, the last 13 months at night)."""
from __future__ import annotations

from typing import Callable

from ..models import Area
from . import kpi, monthly, quality, report_areas
from .figures import Coverage, refresh
from .measures import Context, Measure


def all_measures() -> list[Measure]:
    everything = [*kpi.MEASURES, *monthly.MOVEMENTS, *quality.MEASURES]
    return list({id(m): m for m in everything}.values())


def batches(area: Area | None) -> list[list[int]]:
    """The grids of ``area`` in groups of one township (or smaller part) each: each group
    is counted with the grid index, and the progress bar moves."""
    parts = report_areas.children(area)
    groups = [report_areas.grid_ids(p) for p in parts] if parts and not (area and area.is_grid) else []
    return [g for g in groups if g] or [report_areas.grid_ids(area)]


def run(area: Area | None, months: int, ctx: Context, progress: Callable[[int], None] | None = None) -> int:
    """Count ``months`` months up to the current one over the area; returns how many
    figures were stored."""
    wanted = ctx.current.last(months)
    pairs = {m: ([ctx.current] if m.current_only else wanted) for m in all_measures()}
    stored = 0
    for grids in batches(area):
        stored += refresh(pairs, Coverage(area, grids, False), ctx)
        if progress:
            progress(len(grids))
    return stored
