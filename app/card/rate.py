"""The card page's per-address request rate (issue 18): a phone reads a card a few times;
hundreds of card reads a minute from one address is someone harvesting pages.

Counted where rate limits count across workers — Redis when configured. Without Redis the
card page is not rate limited: its counter would be a database write on every read of the
busiest page (its address is an unguessable token; unlocking and the short code, which can
be guessed at, have their limits in the database too). Counted once per request, whether
the fast path (``fast_path``) or the Flask view answers.
"""
from __future__ import annotations

from flask import Flask
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

CARD_PAGE_LIMIT = "120 per minute"
COUNTED = "anju.card_rate_counted"
LIMITED = "anju.card_rate_limited"
# memory:// counts per worker: for tests and a single-process server only.
SHARED_STORES = ("redis://", "rediss://", "redis+sentinel://", "redis+cluster://", "memory://")


class CardPageRate:
    def __init__(self, app: Flask):
        uri = app.config.get("RATELIMIT_STORAGE_URI") or ""
        enabled = app.config.get("RATELIMIT_ENABLED", True) and uri.startswith(SHARED_STORES)
        self.limiter = FixedWindowRateLimiter(storage_from_string(uri)) if enabled else None
        self.item = parse(app.config.get("RATELIMIT_CARD_PAGE", CARD_PAGE_LIMIT))

    def allowed(self, environ) -> bool:
        """Count this request (once) and say whether it is within the rate."""
        if self.limiter is None or environ.get(COUNTED):
            return not environ.get(LIMITED)
        environ[COUNTED] = True
        try:
            ok = self.limiter.hit(self.item, "card-page", environ.get("REMOTE_ADDR") or "?")
        except Exception:  # noqa: BLE001 - Redis down: the page still opens (/healthz reports Redis)
            return True
        if not ok:
            environ[LIMITED] = True
        return ok


def of(app: Flask) -> CardPageRate:
    rate = app.extensions.get("anju.card_rate")
    if rate is None:
        rate = app.extensions["anju.card_rate"] = CardPageRate(app)
    return rate
