"""A request whose database connection was cut (a restart, a failover, a firewall's idle
cut) is answered anyway where that is safe.

Connections are pinged only after sitting idle (``db_events.ping_when_idle``), so the first
statement on a connection cut a moment ago fails. SQLAlchemy then marks the error
``connection_invalidated`` and drops the pool's other connections too; a GET or HEAD is run
once more, its ``before_request`` checks included, on a new connection. Other methods get the
usual error page: whether what they wrote was committed is not known here."""
from __future__ import annotations

from flask import Flask, current_app, g, request
from sqlalchemy.exc import DBAPIError

from ..extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD"})


def connection_lost(error: BaseException) -> bool:
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def install(app: Flask) -> None:
    @app.errorhandler(DBAPIError)
    def run_again_on_a_new_connection(error: DBAPIError):
        if not connection_lost(error) or request.method not in SAFE_METHODS or g.get("anju_db_retried"):
            raise error  # the usual 500 page, logged
        g.anju_db_retried = True
        db.session.rollback()
        answer = current_app.preprocess_request()
        return answer if answer is not None else current_app.dispatch_request()
