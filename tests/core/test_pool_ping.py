"""A connection taken from the pool is pinged only when it sat idle a while: the ping was a
round trip on every request.

Each test uses an engine of its own with one pooled connection, so that the connection it
closes behind the pool's back is never handed to another test."""
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import QueuePool

from app import db_events
from app.extensions import db


@pytest.fixture()
def engine(app):
    with app.app_context():
        own = create_engine(db.engine.url, poolclass=QueuePool, pool_size=1, max_overflow=0)
    db_events.ping_when_idle(own)
    yield own
    own.dispose()


def test_no_ping_for_a_connection_used_a_moment_ago(engine, monkeypatch):
    monkeypatch.setattr(db_events, "PING_IF_IDLE_SECONDS", 3600.0)
    with engine.connect() as conn:
        conn.execute(text("SELECT 2"))
        first = conn.connection.dbapi_connection
    first.close()
    with engine.connect() as conn:  # not pinged: handed out as it is, dead or not
        assert conn.connection.dbapi_connection is first
        conn.invalidate()


def test_an_idle_connection_is_pinged_and_a_dead_one_replaced(engine, monkeypatch):
    monkeypatch.setattr(db_events, "PING_IF_IDLE_SECONDS", -1.0)  # everything counts as idle
    with engine.connect() as conn:
        conn.execute(text("SELECT 2"))
        first = conn.connection.dbapi_connection
    first.close()  # the server went away while it sat in the pool
    with engine.connect() as conn:  # pinged, found dead, replaced: no error
        assert conn.execute(text("SELECT 5")).scalar() == 5
        assert conn.connection.dbapi_connection is not first
