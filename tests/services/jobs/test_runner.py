"""``flask jobs work`` as a process: several at once, SIGTERM, a runner killed mid-job,
a job over its time limit. The runners use the test database (SQLite file or PostgreSQL)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.domain.clock import utcnow
from app.extensions import db
from app.models import Job
from app.services import jobs
from app.services.jobs import queue

ROOT = Path(__file__).resolve().parents[3]
FLASK = str(Path(sys.executable).with_name("flask"))


@pytest.fixture
def runners(app, notes, tmp_path):
    """``start()`` a ``flask jobs work`` process on the test database."""
    started = []

    def start(*args, **timings):
        env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "PYTHONPATH": str(ROOT),
               "JOBS_POLL_SECONDS": "0.2", "JOBS_HEARTBEAT_SECONDS": "0.3", **{k: str(v) for k, v in timings.items()}}
        log = tmp_path / f"runner-{len(started)}.log"
        with open(log, "w") as out:
            process = subprocess.Popen([FLASK, "--app", "tests/services/jobs/worker_app.py", "jobs", "work", *args],
                                       cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
        process.log = log
        started.append(process)
        return process
    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def _stop(process, timeout=120) -> str:
    """SIGTERM, then its exit code must be 0; returns what it printed."""
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout)
    out = process.log.read_text()
    assert code == 0, out
    return out


def _listening(process) -> bool:
    """The runner has started its loop (its signal handlers are in place)."""
    return _wait(lambda: "started (kinds" in process.log.read_text())


# Generous: a runner process imports the app first, which takes a minute on a machine whose
# cores are busy with other work; the waits end as soon as the condition holds.
STARTUP_S = 180.0


def _wait(condition, timeout=STARTUP_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        db.session.rollback()
        if condition():
            return True
        time.sleep(0.1)
    return False


def _state(job_id):
    return db.session.get(Job, job_id).state


def test_two_runners_share_the_queue_and_run_each_job_once(runners, notes):
    first, second = runners(), runners()
    # Both are taking jobs before there are any: on a busy machine one runner may take a
    # minute longer to start, and would find the queue already empty.
    assert _listening(first) and _listening(second)
    ids = []
    for i in range(10):
        ids.append(jobs.enqueue("test.slow", {"steps": 2, "pause": 0.2}).id)
    db.session.commit()
    assert _wait(lambda: all(_state(i) == "done" for i in ids))
    written = notes()
    assert sorted(j for j, _ in written) == sorted(ids)  # each once
    assert len({w.split(" pid ")[1] for _, w in written}) == 2  # both processes worked
    for process in (first, second):
        _stop(process)


def test_an_idle_runner_stops_at_once_on_sigterm(runners):
    process = runners(JOBS_STOP_GRACE_SECONDS=600)
    assert _listening(process)
    began = time.monotonic()
    out = _stop(process)
    assert time.monotonic() - began < 120  # well within the grace: idle, it does not wait for it
    assert "Ran 0 job(s)." in out


def test_sigterm_lets_a_short_job_finish(runners, tmp_path):
    started = tmp_path / "started"
    job = jobs.enqueue("test.slow", {"steps": 4, "pause": 0.25, "started": str(started)})
    db.session.commit()
    process = runners(JOBS_STOP_GRACE_SECONDS=20)
    assert _wait(started.exists)
    _stop(process)
    assert _state(job.id) == "done"


def test_sigterm_puts_a_long_job_back_in_the_queue_after_the_grace(runners, notes, tmp_path):
    started = tmp_path / "started"
    job = jobs.enqueue("test.slow", {"steps": 100, "pause": 0.2, "started": str(started)})
    db.session.commit()
    process = runners(JOBS_STOP_GRACE_SECONDS=1)
    assert _wait(started.exists)
    out = _stop(process)
    db.session.expire_all()
    back = db.session.get(Job, job.id)
    assert (back.state, back.attempts, back.worker) == ("queued", 0, None), out  # not counted as a failure
    assert back.done and back.done < 100  # its progress so far is kept
    assert notes() == []


def test_a_killed_runners_job_is_taken_back_and_done_by_another(runners, notes, tmp_path):
    started = tmp_path / "started"
    job = jobs.enqueue("test.slow", {"steps": 100, "pause": 0.1, "started": str(started)})
    db.session.commit()
    victim = runners()
    assert _wait(started.exists)
    victim.kill()  # no goodbye: the lease runs out
    victim.wait(timeout=20)
    assert _state(job.id) == "running"
    # Its heartbeat grows older than the lease, and its process is gone: taken back.
    time.sleep(0.6)
    assert queue.reap(lease_s=0.5) == 1
    db.session.execute(update(Job).where(Job.id == job.id)
                       .values(payload={"steps": 2, "pause": 0.05, "started": str(started)}))
    db.session.commit()
    runners()
    assert _wait(lambda: _state(job.id) == "done")
    assert db.session.get(Job, job.id).attempts == 2
    assert started.read_text().split() == ["1", "2"]


def test_a_job_over_its_time_limit_fails_and_the_runner_goes_on(runners, notes):
    stuck = jobs.enqueue("test.forever", {})
    after = jobs.enqueue("test.note", {})
    db.session.commit()
    process = runners()
    assert _wait(lambda: _state(after.id) == "done")
    job = db.session.get(Job, stuck.id)
    assert job.state == "failed" and "time limit" in job.error
    _stop(process)


def test_a_runner_started_with_a_parent_pid_ends_with_its_parent(app, tmp_path):
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "JOBS_POLL_SECONDS": "0.2"}
    # A shell starts the runner in the background and exits: the runner notices.
    parent = subprocess.run(["bash", "-c", f"'{FLASK}' --app wsgi jobs work --parent-pid $$ "
                                           f"> '{tmp_path}/out' 2>&1 & echo $!"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    pid = int(parent.stdout.strip())
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the runner outlived its parent")
    assert "stopped after 0 job(s)" in (tmp_path / "out").read_text()


def test_make_run_starts_the_runner_beside_gunicorn_and_stops_it_with_it(app, world, tmp_path):
    """``make run`` sets JOBS_RUNNER=embedded: gunicorn.conf.py starts ``flask jobs work``
    when the server is ready and stops it on exit."""
    import socket

    job = jobs.enqueue("figures.recount", {"grids": [], "measures": {}})
    db.session.commit()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "JOBS_RUNNER": "embedded",
           "BIND": f"127.0.0.1:{port}", "WORKERS": "1"}
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py", "wsgi:app"],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        assert _wait(lambda: _state(job.id) == "done"), log.read_text()
        runner_pid = int(log.read_text().split("background job runner started (pid ")[1].split(")")[0])
        server.send_signal(signal.SIGTERM)
        assert server.wait(120) == 0
        with pytest.raises(ProcessLookupError):
            os.kill(runner_pid, 0)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
