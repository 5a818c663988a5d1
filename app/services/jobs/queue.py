"""The job table as a queue: enqueue, claim, finish, retry, and notice lost runners.

Every step is one statement that is safe with several runners and web workers at once,
on SQLite and PostgreSQL alike (docs/jobs.md says why there is no queue library here):

- **enqueue** inserts in the caller's transaction (nothing is committed here): the job
  exists exactly when the change that caused it does. With a ``dedupe_key`` it is an
  ``INSERT … ON CONFLICT DO NOTHING`` against a partial unique index over the queued and
  running jobs, so two requests asking for the same recount at the same moment get the
  same job;
- **claim** is ``UPDATE job SET state='running' … WHERE id = (SELECT id … FOR UPDATE SKIP
  LOCKED LIMIT 1) AND state='queued'``: on PostgreSQL runners skip each other's rows
  instead of queueing behind them; SQLite has one writer at a time, so the same
  statement (without the FOR UPDATE, which SQLite does not have) is atomic there, and
  ``state='queued'`` makes it a compare-and-set either way;
- **finish** and **fail** are conditional on the runner still holding the job
  (``worker`` matches and it is running): a runner that lost its lease changes nothing;
- **reap** puts a running job whose heartbeat is older than the lease back in the queue
  (or fails it on its last attempt). A runner on this machine whose process is alive keeps
  its job whatever its heartbeat (on SQLite a long write transaction holds up the beat).
"""
from __future__ import annotations

import datetime as dt
import os
import socket
import traceback

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ...domain.clock import utcnow
from ...extensions import db
from ...models.job import ACTIVE, DONE, FAILED, QUEUED, RUNNING, Job
from . import registry
from .handle import Handle, set_progress

JOB = Job.__table__
_ACTIVE_WHERE = JOB.c.state.in_(ACTIVE)
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def enqueue(kind: str, payload: dict | None = None, dedupe_key: str | None = None, *,
            owner_id: int | None = None, delay_s: float = 0) -> Job:
    """Add a job of a registered ``kind`` to the caller's transaction (the caller commits).
    With ``dedupe_key``, a queued or running job with that key is returned instead of a
    new one."""
    spec = registry.require(kind)
    now = utcnow()
    values = dict(kind=kind, payload=payload or {}, state=QUEUED, dedupe_key=dedupe_key, owner_id=owner_id,
                  attempts=0, max_attempts=spec.max_attempts, run_after=now + dt.timedelta(seconds=delay_s),
                  created_at=now)
    if dedupe_key is None:
        job = Job(**values)
        db.session.add(job)
        db.session.flush()
        return job
    for _ in range(3):  # the holder of the key may finish between our insert and our read
        existing = _active(dedupe_key)
        if existing is not None:
            return existing
        stmt = (_INSERTS[db.session.get_bind().dialect.name](JOB).values(**values)
                .on_conflict_do_nothing(index_elements=[JOB.c.dedupe_key], index_where=_ACTIVE_WHERE)
                .returning(JOB.c.id))
        new_id = db.session.execute(stmt).scalar()
        if new_id is not None:
            return db.session.get(Job, new_id)
    raise RuntimeError(f"could not enqueue {kind!r} with key {dedupe_key!r}")


def _active(dedupe_key: str) -> Job | None:
    return db.session.scalar(select(Job).where(Job.dedupe_key == dedupe_key, Job.state.in_(ACTIVE))
                             .execution_options(populate_existing=True))


def active(dedupe_key: str) -> Job | None:
    """The queued or running job with this ``dedupe_key``, if any (a page that started one
    shows its progress again when the user comes back)."""
    return _active(dedupe_key)


def get(job_id: int) -> Job | None:
    """The job as it is now in the database (progress is written by another connection)."""
    return db.session.get(Job, job_id, populate_existing=True)


def progress(job, done: int | None, total: int | None = None, message: str | None = None) -> None:
    """Report a job's progress: ``job`` is the ``Handle`` a job function was given (the
    runner's heartbeat writes it), or a ``Job`` row (written with the caller's transaction)."""
    if isinstance(job, Handle):
        job.progress(done, total, message)
    else:
        set_progress(job, done, total, message)


# -- the runner's side -------------------------------------------------------------------------

def worker_name() -> str:
    """``host:pid:random``: where the runner is (for ``reap``) and which run of it."""
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(3).hex()}"


def claim(worker: str, kinds: list[str] | None = None) -> Handle | None:
    """Take the oldest due job of ``kinds`` (default: every registered kind) and commit;
    None when there is none."""
    kinds = registry.names() if kinds is None else kinds
    if not kinds:
        return None
    now = utcnow()
    candidate = (select(JOB.c.id).where(JOB.c.state == QUEUED, JOB.c.run_after <= now, JOB.c.kind.in_(kinds))
                 .order_by(JOB.c.run_after, JOB.c.id).limit(1)
                 .with_for_update(skip_locked=True).scalar_subquery())
    stmt = (update(JOB).where(JOB.c.id == candidate, JOB.c.state == QUEUED)
            .values(state=RUNNING, worker=worker, attempts=JOB.c.attempts + 1, started_at=now, heartbeat_at=now,
                    finished_at=None)
            .returning(JOB.c.id, JOB.c.kind, JOB.c.payload, JOB.c.owner_id, JOB.c.attempts, JOB.c.max_attempts,
                       JOB.c.done, JOB.c.total, JOB.c.message, JOB.c.message_params))
    row = db.session.execute(stmt).first()
    db.session.commit()
    if row is None:
        return None
    return Handle(id=row.id, kind=row.kind, payload=row.payload or {}, owner_id=row.owner_id, attempt=row.attempts,
                  max_attempts=row.max_attempts, worker=worker, done=row.done, total=row.total,
                  message=row.message, message_params=row.message_params)


def _held(handle: Handle):
    return update(JOB).where(JOB.c.id == handle.id, JOB.c.worker == handle.worker, JOB.c.state == RUNNING)


def _progress_values(handle: Handle) -> dict:
    return dict(done=handle.done, total=handle.total, message=handle.message, message_params=handle.message_params)


def beat(connection, handle: Handle) -> bool:
    """The heartbeat, on the runner's own ``connection``: the lease renewed and the progress
    written. False when the job is no longer this runner's."""
    with connection.begin():
        result = connection.execute(_held(handle).values(heartbeat_at=utcnow(), **_progress_values(handle)))
    return result.rowcount == 1


def finish(handle: Handle, result: dict | None) -> bool:
    """Mark the job done in the job function's own transaction and commit it with the
    function's last writes. False (and nothing committed) when the runner lost the job."""
    now = utcnow()
    done = db.session.execute(_held(handle).values(state=DONE, result=result, finished_at=now, heartbeat_at=now,
                                                   **_progress_values(handle)))
    if done.rowcount != 1:
        db.session.rollback()
        return False
    db.session.commit()
    return True


def retry_at(spec: registry.Kind | None, attempt: int) -> dt.datetime:
    base = spec.retry_delay_s if spec else 30
    return utcnow() + dt.timedelta(seconds=base * 2 ** max(0, attempt - 1))


def fail(handle: Handle, error: BaseException | str) -> str:
    """After a failed attempt (the caller rolled back): back in the queue for a later
    attempt, or failed on the last one. Returns the new state."""
    spec = registry.get(handle.kind)
    text = error if isinstance(error, str) else describe(error)
    state = FAILED if handle.last_attempt else QUEUED
    values = dict(state=state, error=text, heartbeat_at=None, **_progress_values(handle))
    if state == QUEUED:
        values.update(worker=None, run_after=retry_at(spec, handle.attempt))
    else:
        values.update(finished_at=utcnow())
    db.session.execute(_held(handle).values(**values))
    db.session.commit()
    return state


def put_back(handle: Handle) -> None:
    """The runner is stopping in the middle of the job: queue it again at once, the
    attempt not counted (the function is safe to rerun)."""
    db.session.execute(_held(handle).values(state=QUEUED, worker=None, heartbeat_at=None, run_after=utcnow(),
                                            attempts=JOB.c.attempts - 1, **_progress_values(handle)))
    db.session.commit()


def describe(error: BaseException) -> str:
    """What is kept of a failure: the exception and where it was raised (for the admin)."""
    lines = traceback.format_exception(type(error), error, error.__traceback__, limit=-4)
    return "".join(lines)[-4000:]


def reap(lease_s: float, alive=None) -> int:
    """Running jobs whose heartbeat is older than the lease: back in the queue, or failed
    on their last attempt. ``alive(worker)`` may vouch for a runner (default: one on this
    machine whose process exists). Returns how many were taken back."""
    alive = alive or runner_alive
    limit = utcnow() - dt.timedelta(seconds=lease_s)
    stale = db.session.execute(select(JOB.c.id, JOB.c.worker, JOB.c.heartbeat_at, JOB.c.kind, JOB.c.attempts,
                                      JOB.c.max_attempts)
                               .where(JOB.c.state == RUNNING, JOB.c.heartbeat_at < limit)).all()
    taken = 0
    for job in stale:
        if job.worker and alive(job.worker):
            continue
        last = job.attempts >= job.max_attempts
        values = dict(state=FAILED if last else QUEUED, worker=None, heartbeat_at=None,
                      error=f"runner {job.worker} stopped answering (no heartbeat since {job.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC)")
        if last:
            values["finished_at"] = utcnow()
        else:
            values["run_after"] = retry_at(registry.get(job.kind), job.attempts)
        result = db.session.execute(update(JOB).where(JOB.c.id == job.id, JOB.c.state == RUNNING,
                                                      JOB.c.worker == job.worker,
                                                      JOB.c.heartbeat_at == job.heartbeat_at).values(**values))
        taken += result.rowcount
    db.session.commit()
    return taken


def runner_alive(worker: str) -> bool:
    """Whether the runner named ``worker`` is a live process on this machine (False when
    it runs elsewhere: then only its heartbeat tells)."""
    try:
        host, pid, _ = worker.rsplit(":", 2)
        pid = int(pid)
    except ValueError:
        return False
    if host != socket.gethostname():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def requeue(job_id: int) -> bool:
    """A failed job back in the queue for one more attempt (``flask jobs retry``)."""
    result = db.session.execute(update(JOB).where(JOB.c.id == job_id, JOB.c.state == FAILED)
                                .values(state=QUEUED, run_after=utcnow(), finished_at=None, worker=None,
                                        max_attempts=JOB.c.attempts + 1))
    db.session.commit()
    return result.rowcount == 1


def prune(keep_days: int) -> int:
    """Forget finished jobs older than ``keep_days``."""
    limit = utcnow() - dt.timedelta(days=keep_days)
    result = db.session.execute(delete(JOB).where(JOB.c.state.in_((DONE, FAILED)), JOB.c.finished_at < limit))
    db.session.commit()
    return result.rowcount


def recent(owner_id: int, limit: int = 20) -> list[Job]:
    """A user's latest jobs, newest first."""
    return list(db.session.scalars(select(Job).where(Job.owner_id == owner_id).order_by(Job.id.desc()).limit(limit)))
