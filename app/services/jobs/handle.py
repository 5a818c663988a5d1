"""What a job function is given: the job's identity and payload, and where its progress goes.

Progress is kept here, in memory, and written to the job's row by the runner's heartbeat
on a connection of its own: never in the job's own transaction (which may hold the
database's write lock for a while on SQLite, and whose rollback must not lose it)."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Handle:
    id: int
    kind: str
    payload: dict
    owner_id: int | None = None
    attempt: int = 1
    max_attempts: int = 1
    worker: str | None = None
    done: int | None = None
    total: int | None = None
    message: str | None = None
    message_params: dict | None = None
    on_progress: Callable[["Handle"], None] | None = field(default=None, repr=False)
    changed: threading.Event = field(default_factory=threading.Event, repr=False)

    def progress(self, done: int | None, total: int | None = None, message: str | None = None) -> None:
        """``done`` of ``total`` steps; ``message`` a Chinese text marked with ``N_`` or a
        ``domain.text.Message`` (translated when shown; no personal data)."""
        set_progress(self, done, total, message)
        self.changed.set()
        if self.on_progress is not None:
            self.on_progress(self)

    @property
    def last_attempt(self) -> bool:
        return self.attempt >= self.max_attempts


def set_progress(target, done: int | None, total: int | None, message) -> None:
    """Progress onto a ``Handle`` or a ``Job`` row alike: the message kept as its template
    and parameters, to be translated where it is shown."""
    target.done = done
    if total is not None:
        target.total = total
    if message is not None:
        target.message = getattr(message, "template", str(message))
        target.message_params = dict(getattr(message, "params", None) or {}) or None
