from __future__ import annotations

from ..domain.clock import utcnow
from ..extensions import db

# A job's life: queued → running → done, or back to queued for a retry, or failed.
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ACTIVE = (QUEUED, RUNNING)


class Job(db.Model):
    """Work done off the request by ``flask jobs work`` (``services.jobs``).

    The row lives in the application database so that a job is enqueued in the same
    transaction as the change that causes it: it exists exactly when that change was
    committed. ``dedupe_key`` is unique among the queued and running jobs (a partial
    index), so one recount per area runs at a time however many pages ask for it.
    ``worker`` and ``heartbeat_at`` are the runner's lease: a running job whose runner
    stopped beating is put back in the queue or failed (``queue.reap``). ``message`` is
    a Chinese template translated when shown, with ``message_params`` filled in."""

    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(60), nullable=False)
    payload = db.Column(db.JSON, nullable=False, default=dict)
    state = db.Column(db.String(10), nullable=False, default=QUEUED)
    dedupe_key = db.Column(db.String(200))
    owner_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    max_attempts = db.Column(db.Integer, nullable=False, default=3)
    run_after = db.Column(db.DateTime, nullable=False, default=utcnow)
    worker = db.Column(db.String(120))
    heartbeat_at = db.Column(db.DateTime)
    done = db.Column(db.Integer)
    total = db.Column(db.Integer)
    message = db.Column(db.String(300))
    message_params = db.Column(db.JSON)
    result = db.Column(db.JSON)
    error = db.Column(db.Text)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    started_at = db.Column(db.DateTime)
    finished_at = db.Column(db.DateTime)

    __table_args__ = (
        db.Index("ix_job_state_run_after", "state", "run_after", "id"),
        db.Index("uq_job_active_dedupe_key", "dedupe_key", unique=True,
                 sqlite_where=db.text("state IN ('queued', 'running')"),
                 postgresql_where=db.text("state IN ('queued', 'running')")),
    )

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return max(0, min(100, round(100 * (self.done or 0) / self.total)))
