"""Connection events: SQLite settings on every connection (several gunicorn workers share
one file); a liveness check only for connections that sat idle in the pool."""
import time

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# A connection used this recently is pinged no more when taken from the pool: the ping
# (``pool_pre_ping``) was a round trip on every request, as long as a small query. One
# idle longer (a database restart, a firewall's idle cut, PgBouncer's server_idle_timeout)
# is pinged, and replaced if dead.
PING_IF_IDLE_SECONDS = 10.0


def ping_when_idle(engine) -> None:
    """``pool_pre_ping`` for connections idle more than ``PING_IF_IDLE_SECONDS``."""
    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, connection_record):
        connection_record.info["anju.idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection, connection_record, connection_proxy):
        since = connection_record.info.get("anju.idle_since")
        if since is None or time.monotonic() - since <= PING_IF_IDLE_SECONDS:
            return  # new, or used a moment ago
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        except Exception as error:  # noqa: BLE001 — any failure means the connection is gone
            raise exc.DisconnectionError() from error  # the pool retries with a new one
