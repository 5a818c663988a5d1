"""Background jobs: work that takes more than a moment runs off the request.

The core knows nothing of Anju's records: a package registers a function for a kind of
job, a view or service enqueues it (in the transaction of the change that causes it),
``flask jobs work`` runs it, and ``/jobs/<id>`` shows its progress to whoever started it.

    from app.services import jobs

    @jobs.register("figures.recount", title=N_("重新统计报表数据"))
    def recount(job: jobs.Handle):
        for i, part in enumerate(parts):
            ...
            jobs.progress(job, i + 1, len(parts), N_("正在统计"))
        return {"endpoint": "station.kpi_dashboard", "values": {}}

    job = jobs.enqueue("figures.recount", {"grids": [...]}, dedupe_key="recount:330106",
                       owner_id=current_user.id)
    db.session.commit()                      # the job exists from here on
    return redirect(url_for("core.job", job_id=job.id))

The job table, its states and why it is not a queue library: ``queue`` and docs/jobs.md.
"""
from .handle import Handle
from .queue import active, enqueue, get, progress, recent
from .registry import Kind, register
from .runner import Runner, run_pending

__all__ = ["Handle", "Kind", "Runner", "active", "enqueue", "get", "progress", "recent", "register", "run_pending"]
