"""Job kinds the job tests run: in the test process and in ``flask jobs work`` subprocesses
started with ``--app tests/services/jobs/worker_app.py``."""
from __future__ import annotations

import os
import time

from sqlalchemy import text

from app.domain.text import N_, Message
from app.extensions import db
from app.services import jobs


@jobs.register("test.note", title=N_("测试任务"), max_attempts=2, retry_delay_s=60)
def note(job: jobs.Handle):
    """Writes a row in the caller-supplied table ``job_test_note`` and returns a result."""
    if job.payload.get("fail_times", 0) >= job.attempt:
        raise RuntimeError(f"planned failure {job.attempt}")
    db.session.execute(text("INSERT INTO job_test_note (job_id, worker) VALUES (:j, :w)"),
                       {"j": job.id, "w": job.worker})
    return {"url": "/jobs/", "attempt": job.attempt}


@jobs.register("test.slow", title=N_("测试任务"), max_attempts=3, retry_delay_s=0, timeout_s=30)
def slow(job: jobs.Handle):
    """Counts to ``steps`` with a progress report each ``pause`` seconds; a file named in
    ``started`` tells the test it began."""
    if job.payload.get("started"):
        with open(job.payload["started"], "a") as out:
            out.write(f"{job.attempt}\n")
    steps = job.payload.get("steps", 5)
    for i in range(steps):
        jobs.progress(job, i + 1, steps, Message(N_("已处理 %(n)d 条"), n=i + 1))
        time.sleep(job.payload.get("pause", 0.2))
    db.session.execute(text("INSERT INTO job_test_note (job_id, worker) VALUES (:j, :w)"),
                       {"j": job.id, "w": f"{job.worker} pid {os.getpid()}"})
    return {"steps": steps}


@jobs.register("test.forever", title=N_("测试任务"), max_attempts=1, timeout_s=1)
def forever(job: jobs.Handle):
    while True:
        time.sleep(0.05)
