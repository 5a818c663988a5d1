"""The runner behind ``flask jobs work``: a loop that claims a job, runs its function and
records how it went, one job at a time per process (run more processes for more at once).

- a heartbeat thread renews the job's lease and writes its progress every few seconds,
  on a connection of its own;
- a job over its kind's ``timeout_s`` is stopped (SIGALRM) and counts as a failed attempt;
- SIGTERM (systemd stop, a deploy) lets the running job finish for up to
  ``JOBS_STOP_GRACE_SECONDS``, then interrupts it and puts it back in the queue with its
  attempt not counted; a second SIGTERM or Ctrl-C interrupts at once. Idle, it stops at once;
- every half lease it takes back the jobs of runners that stopped beating (``queue.reap``),
  and once an hour forgets finished jobs older than ``JOBS_KEEP_DAYS``.

Signals are only used where the runner owns the process (``install_signals``); tests and
``run_pending`` run jobs in the caller's thread without them.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
import time

from flask import Flask

from ...extensions import db
from . import queue, registry
from .handle import Handle

log = logging.getLogger("anju.jobs")


class Interrupted(BaseException):
    """The runner is stopping: the job goes back in the queue (not an error of the job)."""


class TimedOut(Exception):
    pass


class Runner:
    def __init__(self, app: Flask, *, kinds: list[str] | None = None, parent_pid: int | None = None):
        config = app.config
        self.app = app
        self.kinds = kinds
        self.poll_s = float(config.get("JOBS_POLL_SECONDS", 1.0))
        self.heartbeat_s = float(config.get("JOBS_HEARTBEAT_SECONDS", 3.0))
        self.lease_s = float(config.get("JOBS_LEASE_SECONDS", 60.0))
        self.grace_s = float(config.get("JOBS_STOP_GRACE_SECONDS", 20.0))
        self.keep_days = int(config.get("JOBS_KEEP_DAYS", 30))
        self.name = queue.worker_name()
        self.parent = parent_pid  # stop when no longer this process's child
        self.stopping = threading.Event()
        self.signals = False
        self.current: Handle | None = None
        self.ran = 0

    # -- the loop ----------------------------------------------------------------------------

    def run(self, *, burst: bool = False, max_jobs: int | None = None) -> int:
        """Work until stopped (or, ``burst``, until no job is due); returns how many ran."""
        next_reap = next_prune = 0.0
        log.info("job runner %s started (kinds: %s)", self.name, ", ".join(self.kinds or registry.names()))
        while not self.stopping.is_set():
            if self.parent is not None and os.getppid() != self.parent:
                log.info("job runner %s: the process that started it has gone; stopping", self.name)
                break
            now = time.monotonic()
            with self.app.app_context():
                try:
                    if now >= next_reap:
                        taken = queue.reap(self.lease_s)
                        if taken:
                            log.warning("took back %d job(s) from runners that stopped answering", taken)
                        next_reap = now + self.lease_s / 2
                    if now >= next_prune:
                        queue.prune(self.keep_days)
                        next_prune = now + 3600
                    handle = queue.claim(self.name, self.kinds)
                except Exception:  # noqa: BLE001 - the database is away: wait and try again
                    log.exception("job runner %s: cannot reach the job table", self.name)
                    db.session.rollback()
                    handle = None
                    if burst:
                        raise
            if handle is not None:
                self.run_one(handle)
                self.ran += 1
                if max_jobs is not None and self.ran >= max_jobs:
                    break
                continue
            if burst:
                break
            self.stopping.wait(self.poll_s)
        log.info("job runner %s stopped after %d job(s)", self.name, self.ran)
        return self.ran

    def run_one(self, handle: Handle) -> str:
        """Run a claimed job to its end; returns its new state."""
        spec = registry.get(handle.kind)
        self.current = handle
        beat = Heartbeat(self.app, handle, self.heartbeat_s)
        beat.start()
        try:
            with self.app.app_context(), self.app.test_request_context():
                return self._call(handle, spec)
        finally:
            beat.stop()
            self.current = None
            self._alarm(0)

    def _call(self, handle: Handle, spec: registry.Kind | None) -> str:
        started = time.monotonic()
        try:
            if spec is None:
                raise LookupError(f"no job function is registered for {handle.kind!r}")
            self._alarm(spec.timeout_s)
            try:
                result = spec.function(handle)
            finally:
                self._alarm(0)
            if not queue.finish(handle, result if isinstance(result, dict) else None):
                log.warning("job %d (%s) finished, but its lease had been taken back", handle.id, handle.kind)
                return "lost"
            log.info("job %d (%s) done in %.1f s", handle.id, handle.kind, time.monotonic() - started)
            return "done"
        except Interrupted:
            self._forget_transaction()
            queue.put_back(handle)
            log.warning("job %d (%s) interrupted by the runner stopping; queued again", handle.id, handle.kind)
            return "queued"
        except Exception as exc:  # noqa: BLE001 - recorded on the job, the runner goes on
            self._forget_transaction()
            state = queue.fail(handle, exc)
            log.error("job %d (%s) attempt %d/%d failed (%s): %s", handle.id, handle.kind, handle.attempt,
                      handle.max_attempts, state, type(exc).__name__)
            return state
        finally:
            db.session.remove()

    @staticmethod
    def _forget_transaction() -> None:
        """Roll the job's work back; a connection interrupted mid-statement is thrown away."""
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001
            db.session.invalidate()

    # -- signals -----------------------------------------------------------------------------

    def install_signals(self) -> None:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGALRM, self._on_alarm)
        self.signals = True

    def _alarm(self, seconds: float) -> None:
        if self.signals:
            signal.setitimer(signal.ITIMER_REAL, seconds)

    def _on_stop(self, signum, frame) -> None:
        if self.current is None:
            self.stopping.set()
            return
        if self.stopping.is_set() or signum == signal.SIGINT:
            raise Interrupted()
        self.stopping.set()
        log.info("job runner %s: stopping; job %d may finish within %.0f s", self.name, self.current.id, self.grace_s)
        remaining = signal.getitimer(signal.ITIMER_REAL)[0]
        self._alarm(min(remaining, self.grace_s) if remaining else self.grace_s)

    def _on_alarm(self, signum, frame) -> None:
        if self.current is None:
            return
        if self.stopping.is_set():
            raise Interrupted()
        raise TimedOut(f"job {self.current.id} ({self.current.kind}) ran longer than its time limit")

    def stop(self) -> None:
        self.stopping.set()


class Heartbeat(threading.Thread):
    """Renews a running job's lease and writes its progress: every ``interval`` seconds,
    and soon after the function reports progress (at most once a second)."""

    def __init__(self, app: Flask, handle: Handle, interval: float):
        super().__init__(name=f"job-{handle.id}-heartbeat", daemon=True)
        with app.app_context():
            self.engine = db.engine
        self.handle = handle
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        last = time.monotonic()
        while not self.stopped.is_set():
            self.handle.changed.wait(self.interval)
            if self.stopped.is_set():
                break
            wait = 1.0 - (time.monotonic() - last)
            if wait > 0 and self.stopped.wait(wait):
                break
            self.handle.changed.clear()
            last = time.monotonic()
            try:
                with self.engine.connect() as connection:
                    if not queue.beat(connection, self.handle):
                        log.warning("job %d: its lease was taken back by another runner", self.handle.id)
            except Exception as exc:  # noqa: BLE001 - next beat; SQLite may be busy with the job's writes
                log.debug("job %d: heartbeat not written (%s)", self.handle.id, type(exc).__name__)

    def stop(self) -> None:
        self.stopped.set()
        self.handle.changed.set()
        self.join(timeout=10)


def run_pending(app: Flask | None = None, *, kinds: list[str] | None = None) -> int:
    """Run every job that is due now, in this thread, then return how many ran (for tests,
    ``flask jobs work --burst`` and deployments that run jobs from cron)."""
    from flask import current_app
    return Runner(app or current_app._get_current_object(), kinds=kinds).run(burst=True)
