"""Job functions by kind. A package declares what it runs in the background:

    @jobs.register("figures.recount", title=N_("重新统计报表数据"), max_attempts=2)
    def recount(job: jobs.Handle) -> dict | None:
        ...

and enqueues it by name (``jobs.enqueue("figures.recount", {...})``). The function gets a
``Handle`` (the job's id, payload and attempt) and may return a small JSON-able dict that
is kept as the job's result (``{"url": ...}`` or ``{"endpoint": ..., "values": {...}}``
makes the progress page link to it; ``"redirect": True`` goes there when done).

Functions must be safe to run again: a job is retried after a failure, and run again
when its runner stopped in the middle (lost lease, SIGTERM).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Kind:
    name: str
    function: Callable
    title: str  # Chinese, translated where shown (mark it with N_)
    max_attempts: int = 3
    timeout_s: int = 3600  # a run taking longer is stopped and counts as a failed attempt
    retry_delay_s: int = 30  # before the second attempt; doubled for each further one


_KINDS: dict[str, Kind] = {}


def register(name: str, *, title: str, max_attempts: int = 3, timeout_s: int = 3600, retry_delay_s: int = 30):
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def decorator(function: Callable) -> Callable:
        known = _KINDS.get(name)
        if known is not None and known.function.__qualname__ != function.__qualname__:
            raise ValueError(f"job kind {name!r} is registered twice")
        _KINDS[name] = Kind(name, function, title, max_attempts, timeout_s, retry_delay_s)
        return function
    return decorator


def get(name: str) -> Kind | None:
    return _KINDS.get(name)


def require(name: str) -> Kind:
    kind = _KINDS.get(name)
    if kind is None:
        raise LookupError(f"no job function is registered for {name!r}")
    return kind


def names() -> list[str]:
    return sorted(_KINDS)
