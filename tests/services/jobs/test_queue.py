"""The job queue on the test database (SQLite, or PostgreSQL with TEST_DATABASE_URL):
enqueue in the caller's transaction, dedupe, atomic claiming, retries, leases, progress."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select, update

from app.domain.clock import utcnow
from app.extensions import db
from app.models import Job
from app.services import jobs
from app.services.jobs import queue
from app.services.jobs.runner import Runner


def _fresh(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _in_threads(app, count: int, work):
    """Run ``work(i)`` in ``count`` threads at once, each in its own app context (its own
    session and connection); returns their results."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def target(i):
        with app.app_context():
            try:
                barrier.wait()
                results[i] = work(i)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def test_a_job_exists_only_when_the_callers_transaction_commits(app, notes):
    job = jobs.enqueue("test.note", {"n": 1})
    job_id = job.id
    db.session.rollback()  # the change that caused it did not happen: no job either
    assert db.session.get(Job, job_id) is None
    assert jobs.run_pending() == 0

    job = jobs.enqueue("test.note", {"n": 2}, owner_id=None)
    db.session.commit()
    assert job.state == "queued" and job.attempts == 0
    assert jobs.run_pending() == 1
    done = _fresh(job.id)
    assert done.state == "done" and done.attempts == 1 and done.finished_at is not None
    assert done.result == {"url": "/jobs/", "attempt": 1}
    assert notes() == [(job.id, done.worker)]


def test_an_unknown_kind_is_refused_when_enqueued(app, world):
    with pytest.raises(LookupError):
        jobs.enqueue("no.such.kind")


def test_one_active_job_per_dedupe_key(app, notes):
    first = jobs.enqueue("test.note", {}, dedupe_key="area:7")
    again = jobs.enqueue("test.note", {}, dedupe_key="area:7")
    other = jobs.enqueue("test.note", {}, dedupe_key="area:8")
    db.session.commit()
    assert again.id == first.id and other.id != first.id
    assert jobs.run_pending() == 2
    later = jobs.enqueue("test.note", {}, dedupe_key="area:7")  # the first one is done: a new one
    db.session.commit()
    assert later.id not in (first.id, other.id) and later.state == "queued"


def test_requests_asking_for_the_same_job_at_once_get_one(app, notes):
    ids = _in_threads(app, 6, lambda i: _enqueue_and_commit("recount:county"))
    assert len(set(ids)) == 1
    assert db.session.scalar(select(db.func.count()).select_from(Job)) == 1


def _enqueue_and_commit(key):
    job = jobs.enqueue("test.note", {}, dedupe_key=key)
    db.session.commit()
    return job.id


def test_runners_claiming_at_once_take_each_job_once(app, notes):
    for i in range(8):
        jobs.enqueue("test.note", {"n": i})
    db.session.commit()

    def take(i):
        got = []
        while (handle := queue.claim(f"worker-{i}", ["test.note"])) is not None:
            got.append(handle.id)
        return got
    claimed = [job_id for got in _in_threads(app, 4, take) for job_id in got]
    assert sorted(claimed) == sorted(db.session.scalars(select(Job.id)))
    assert len(claimed) == len(set(claimed)) == 8


def test_a_failing_job_is_retried_later_then_marked_failed(app, notes):
    job = jobs.enqueue("test.note", {"fail_times": 5})
    db.session.commit()
    assert jobs.run_pending() == 1
    job = _fresh(job.id)
    assert job.state == "queued" and job.attempts == 1 and "planned failure 1" in job.error
    assert job.run_after > utcnow() + dt.timedelta(seconds=50)  # retry_delay_s=60
    assert jobs.run_pending() == 0  # not due yet

    db.session.execute(update(Job).where(Job.id == job.id).values(run_after=utcnow()))
    db.session.commit()
    assert jobs.run_pending() == 1
    job = _fresh(job.id)
    assert job.state == "failed" and job.attempts == 2 and job.finished_at is not None
    assert "planned failure 2" in job.error
    assert notes() == []  # the failed attempts' writes were rolled back


def test_a_job_that_succeeds_on_its_second_attempt(app, notes):
    job = jobs.enqueue("test.note", {"fail_times": 1})
    db.session.commit()
    jobs.run_pending()
    db.session.execute(update(Job).where(Job.id == job.id).values(run_after=utcnow()))
    db.session.commit()
    jobs.run_pending()
    job = _fresh(job.id)
    assert job.state == "done" and job.attempts == 2 and job.result["attempt"] == 2
    assert len(notes()) == 1


def test_a_failed_job_can_be_retried_by_hand(app, notes):
    job = jobs.enqueue("test.note", {"fail_times": 2})
    db.session.commit()
    for _ in range(2):
        db.session.execute(update(Job).where(Job.id == job.id).values(run_after=utcnow()))
        db.session.commit()
        jobs.run_pending()
    assert _fresh(job.id).state == "failed"
    assert queue.requeue(job.id)
    assert not queue.requeue(job.id)  # only failed jobs
    jobs.run_pending()
    assert _fresh(job.id).state == "done"


def _claimed_by(worker: str, heartbeat_age_s: float, attempts_left: bool = True) -> Job:
    job = jobs.enqueue("test.note", {})
    db.session.commit()
    handle = queue.claim(worker, ["test.note"])
    assert handle.id == job.id
    values = {"heartbeat_at": utcnow() - dt.timedelta(seconds=heartbeat_age_s)}
    if not attempts_left:
        values["attempts"] = job.max_attempts
    db.session.execute(update(Job).where(Job.id == job.id).values(**values))
    db.session.commit()
    return job


def test_a_job_whose_runner_died_is_taken_back_and_failed_on_its_last_attempt(app, notes):
    gone = _claimed_by("elsewhere:4242:abc", heartbeat_age_s=600)
    assert queue.reap(lease_s=60) == 1
    job = _fresh(gone.id)
    assert job.state == "queued" and job.worker is None and "stopped answering" in job.error

    last = _claimed_by("elsewhere:4243:abc", heartbeat_age_s=600, attempts_left=False)
    assert queue.reap(lease_s=60) == 1
    job = _fresh(last.id)
    assert job.state == "failed" and job.finished_at is not None


def test_a_live_runner_keeps_its_job_and_a_fresh_heartbeat_too(app, notes):
    import os
    import socket

    mine = _claimed_by(f"{socket.gethostname()}:{os.getpid()}:abc", heartbeat_age_s=600)
    fresh = _claimed_by("elsewhere:4242:abc", heartbeat_age_s=5)
    assert queue.reap(lease_s=60) == 0
    assert _fresh(mine.id).state == "running" and _fresh(fresh.id).state == "running"
    assert queue.runner_alive(f"{socket.gethostname()}:{os.getpid()}:x")
    assert not queue.runner_alive(f"{socket.gethostname()}:999999999:x")


def test_a_runner_that_lost_its_job_does_not_finish_it(app, notes):
    job = jobs.enqueue("test.note", {})
    db.session.commit()
    handle = queue.claim("slow-runner", ["test.note"])
    db.session.execute(update(Job).where(Job.id == job.id).values(state="queued", worker=None))  # reaped meanwhile
    db.session.commit()
    with app.app_context():
        assert Runner(app).run_one(handle) == "lost"
    assert _fresh(job.id).state == "queued"
    assert notes() == []  # its writes were not committed


def test_progress_is_written_while_the_job_runs(app, notes):
    app.config["JOBS_HEARTBEAT_SECONDS"] = 0.2
    try:
        job = jobs.enqueue("test.slow", {"steps": 6, "pause": 0.4})
        db.session.commit()
        seen = []

        def watch():
            with app.app_context():
                for _ in range(40):
                    j = queue.get(job.id)
                    if j.state == "running" and j.done:
                        seen.append((j.done, j.total, j.message, j.message_params))
                    if j.state == "done":
                        break
                    threading.Event().wait(0.15)
                db.session.remove()
        watcher = threading.Thread(target=watch)
        watcher.start()
        jobs.run_pending(kinds=["test.slow"])
        watcher.join()
    finally:
        app.config["JOBS_HEARTBEAT_SECONDS"] = 3.0
    assert seen, "no progress seen while it ran"
    assert all(total == 6 and message == "已处理 %(n)d 条" and params == {"n": done}
               for done, total, message, params in seen)
    assert seen[0][0] < 6
    final = _fresh(job.id)
    assert (final.state, final.done, final.total, final.percent) == ("done", 6, 6, 100)


def test_progress_on_a_job_row_goes_with_the_callers_transaction(app, world):
    job = jobs.enqueue("test.note", {})
    jobs.progress(job, 3, 10, "开始")
    db.session.commit()
    assert (_fresh(job.id).done, _fresh(job.id).total, _fresh(job.id).message) == (3, 10, "开始")


def test_finished_jobs_are_pruned_after_the_days_kept(app, notes):
    old = jobs.enqueue("test.note", {})
    new = jobs.enqueue("test.note", {})
    db.session.commit()
    jobs.run_pending()
    db.session.execute(update(Job).where(Job.id == old.id).values(finished_at=utcnow() - dt.timedelta(days=31)))
    db.session.commit()
    assert queue.prune(30) == 1
    assert [j.id for j in db.session.scalars(select(Job))] == [new.id]
