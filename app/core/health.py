"""What ``/healthz`` checks: the database, and Redis when the deployment uses it (rate
limits through ``RATELIMIT_STORAGE_URI``, or ``REDIS_URL``). A load balancer or monitor
takes 503 as "send no traffic here"; the body says which part is down and why (the kind of
error only: never an address, a user name or a password)."""
from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy import text

from ..extensions import db
from .reconnect import connection_lost


def redis_url(config) -> str | None:
    url = config.get("REDIS_URL") or config.get("RATELIMIT_STORAGE_URI") or ""
    return url if url.startswith(("redis://", "rediss://", "unix://")) else None


def _redis_client(app: Flask):
    client = app.extensions.get("anju.health_redis")
    if client is None:
        import redis
        client = redis.Redis.from_url(redis_url(app.config), socket_timeout=2, socket_connect_timeout=2)
        app.extensions["anju.health_redis"] = client
    return client


def check() -> tuple[dict, int]:
    app = current_app._get_current_object()
    result, reasons = {"status": "ok"}, []
    for attempt in (1, 2):  # a connection cut a moment ago is replaced once (core.reconnect)
        try:
            db.session.execute(text("SELECT 1"))
            result["database"] = "ok"
            break
        except Exception as exc:  # noqa: BLE001 - the check reports, it does not crash
            db.session.rollback()
            if attempt == 1 and connection_lost(exc):
                continue
            result["database"] = "unavailable"
            reasons.append(f"database unavailable ({type(exc).__name__})")
            break
    if redis_url(app.config):
        try:
            _redis_client(app).ping()
            result["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            result["redis"] = "unavailable"
            reasons.append(f"redis unavailable ({type(exc).__name__})")
    if reasons:
        app.logger.warning("health check: %s", "; ".join(reasons))
        result.update(status="degraded", reason="; ".join(reasons))
        return result, 503
    return result, 200
