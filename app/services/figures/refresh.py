"""Counting every stored figure again, for ``flask refresh-figures`` (from cron: this
month every few minutes on a large deployment, the last 13 months at night)."""
from __future__ import annotations

from typing import Callable

from ...domain.months import Month
from ...models import Area
from . import kpi, monthly, quality, report_areas
from .measures import Context, Measure
from .store import Coverage, refresh, stale


def all_measures() -> list[Measure]:
    everything = [*kpi.all_measures(), *monthly.MOVEMENTS, *quality.MEASURES]
    return list({id(m): m for m in everything}.values())


BATCH_GRIDS = 150  # about a township: counted with the grid index, the progress bar moves


def batches(area: Area | None) -> list[list[int]]:
    """The grids of ``area`` in groups of whole parts (townships, communities) of about
    ``BATCH_GRIDS`` grids each."""
    parts = report_areas.children(area) if not (area and area.is_grid) else []
    groups, current = [], []
    for part in parts:
        current += report_areas.grid_ids(part)
        if len(current) >= BATCH_GRIDS:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups or [report_areas.grid_ids(area)]


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
    return stored + recount_stale(ctx, older_than=wanted[0])


def recount_stale(ctx: Context, older_than: Month | None = None) -> int:
    """Count again the figures a change marked out of date (``store.mark_stale``) in months
    before ``older_than`` (the later ones were just counted): only those grids and measures."""
    by_key = {m.key: m for m in all_measures()}
    stored = 0
    for (month, key), grids in stale().items():
        if key in by_key and (older_than is None or month < older_than):
            stored += refresh({by_key[key]: [month]}, Coverage(None, sorted(grids), False), ctx)
    return stored
