"""Recounting a big area's out-of-date figures in the background (``services.jobs``).

A report page over more than ``store.RECOUNT_IN_PAGE_MAX_GRIDS`` grids shows the stored
figures at once and enqueues this job; the job's ``dedupe_key`` (the grids and measures)
makes every page that asks meanwhile share one recount, in any web worker."""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from ...domain.months import Month
from ...domain.text import N_
from ...extensions import db
from ...models.job import ACTIVE, Job
from .. import jobs
from .measures import Context, Measure
from .refresh import BATCH_GRIDS, all_measures
from .store import Coverage, refresh

KIND = "figures.recount"


def enqueue(pairs: dict[Measure, list[Month]], coverage: Coverage):
    """Ask for ``pairs`` to be counted again over the coverage's grids, and commit; returns
    the job (the one already queued or running for the same grids and measures, if any)."""
    measures = {m.key: sorted(month.key for month in months) for m, months in pairs.items()}
    grids = sorted(coverage.grid_ids)
    what = hashlib.sha256(repr(sorted(measures.items())).encode()).hexdigest()[:16]
    job = jobs.enqueue(KIND, {"grids": grids, "measures": measures}, dedupe_key=f"{_area_key(grids)}:{what}")
    db.session.commit()
    return job


def _area_key(grids: list[int]) -> str:
    return f"{KIND}:{hashlib.sha256(repr(sorted(grids)).encode()).hexdigest()[:16]}"


def running(coverage: Coverage):
    """A recount of these grids that is queued or running (a page shows it as such), if any."""
    return db.session.scalar(select(Job).where(Job.dedupe_key.startswith(_area_key(coverage.grid_ids) + ":"),
                                               Job.state.in_(ACTIVE)).order_by(Job.id).limit(1))


@jobs.register(KIND, title=N_("重新统计报表数据"), max_attempts=2, timeout_s=1800)
def recount(job: jobs.Handle) -> None:
    by_key = {m.key: m for m in all_measures()}
    pairs = {by_key[key]: [Month.parse(k) for k in months]
             for key, months in job.payload["measures"].items() if key in by_key}
    grids = job.payload["grids"]
    batches = [grids[i:i + BATCH_GRIDS] for i in range(0, len(grids), BATCH_GRIDS)]
    ctx = Context.at()
    for done, batch in enumerate(batches, 1):
        refresh(pairs, Coverage(None, batch, False), ctx)  # commits: one township's worth at a time
        jobs.progress(job, done * BATCH_GRIDS if done < len(batches) else len(grids), len(grids),
                      N_("正在统计各网格的数字") if done < len(batches) else N_("各网格的数字已统计完毕"))
