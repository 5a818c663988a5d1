"""Flask-Limiter's counters in the application's database, for deployments without Redis.

The default ``memory://`` storage counts per worker process, so "20 per 15 minutes" became
20 × workers. Redis (``RATELIMIT_STORAGE_URI=redis://…``, what the deploy guide installs) is
the first choice; without it, ``database://`` keeps fixed-window counters in table
``rate_counter``, one atomic upsert per hit, shared by every worker and server of the
database. Only the fixed-window strategy (Flask-Limiter's default) is supported.
"""
from __future__ import annotations

import random
import time

from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import RateCounter

SCHEME = "database"
_TABLE = RateCounter.__table__


class DatabaseStorage(Storage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(_TABLE)
        expired = _TABLE.c.expires_at <= now
        statement = insert.values(key=key, count=amount, expires_at=now + expiry).on_conflict_do_update(
            index_elements=[_TABLE.c.key],
            set_={"count": case((expired, amount), else_=_TABLE.c.count + amount),
                  "expires_at": case((expired, now + expiry), else_=_TABLE.c.expires_at)},
        ).returning(_TABLE.c.count)
        # Its own short transaction, committed at once: the request's own session is not involved.
        with db.engine.begin() as conn:
            count = conn.execute(statement).scalar_one()
            if random.random() < 0.01:  # now and then, forget windows long over
                conn.execute(delete(_TABLE).where(_TABLE.c.expires_at < now - 3600))
        return count

    def _row(self, key: str):
        with db.engine.connect() as conn:
            return conn.execute(select(_TABLE.c.count, _TABLE.c.expires_at).where(_TABLE.c.key == key)).first()

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.count if row is not None and row.expires_at > time.time() else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row.expires_at if row is not None and row.expires_at > time.time() else time.time()

    def check(self) -> bool:
        try:
            with db.engine.connect() as conn:
                conn.execute(select(1))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with db.engine.begin() as conn:
            return conn.execute(delete(_TABLE)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(_TABLE).where(_TABLE.c.key == key))


def storage_uri(config) -> str:
    """Redis when the deployment names one, else the database (never per-process memory)."""
    return config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or f"{SCHEME}://"
