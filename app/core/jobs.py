"""The progress of background jobs: ``/jobs/<id>`` as a page, or as a fragment that any
page including ``core/_job.html`` polls with htmx (a meta refresh does it without
JavaScript). Only the job's owner sees it; the URL carries nothing but its number."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import abort, current_app, request, url_for
from flask_babel import gettext, lazy_gettext as _l
from flask_login import current_user, login_required

from ..domain.clock import utcnow
from ..models import Job
from ..services import jobs
from ..services.jobs import registry
from ..web import is_htmx, render
from . import bp

POLL_SECONDS = 2
STATES = {"queued": _l("排队等待"), "running": _l("进行中"), "done": _l("已完成"), "failed": _l("失败")}
# Queued this long past its time with no runner taking it: say that the runner may be down.
UNCLAIMED_AFTER = dt.timedelta(minutes=2)


@dataclass
class JobView:
    job: Job
    title: str
    state: str
    message: str | None
    link: str | None
    follow: bool  # go to ``link`` once done
    stalled: bool  # no runner seems to be working on it

    @property
    def poll(self) -> bool:
        return self.job.active


def describe(job: Job) -> JobView:
    spec = registry.get(job.kind)
    message = None
    if job.message:
        message = gettext(job.message, **(job.message_params or {}))
    result = job.result or {}
    link = result.get("url")
    if not link and result.get("endpoint"):
        link = url_for(result["endpoint"], **(result.get("values") or {}))
    now = utcnow()
    lease = dt.timedelta(seconds=float(current_app.config["JOBS_LEASE_SECONDS"]))
    stalled = ((job.state == "queued" and job.run_after < now - UNCLAIMED_AFTER)
               or (job.state == "running" and job.heartbeat_at is not None and job.heartbeat_at < now - 2 * lease))
    return JobView(job, gettext(spec.title) if spec else job.kind, str(STATES.get(job.state, job.state)), message,
                   link if job.state == "done" else None, bool(result.get("redirect")), stalled)


def _owned(job_id: int) -> Job:
    job = jobs.get(job_id)
    if job is None or job.owner_id != current_user.id:
        abort(404)  # someone else's job: as if it did not exist
    return job


@bp.get("/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    view = describe(_owned(job_id))
    response = render("core/job.html", "job", v=view, poll_seconds=POLL_SECONDS,
                      embedded=request.args.get("embedded") == "1")
    if view.follow and view.link and is_htmx():
        response.headers["HX-Redirect"] = view.link
    return response


@bp.app_context_processor
def job_helpers():
    return {"describe_job": describe}


@bp.get("/jobs/")
@login_required
def my_jobs():
    return render("core/jobs.html", views=[describe(j) for j in jobs.recent(current_user.id)])
