"""``/healthz``: 503 with the reason when the database or Redis is down; the app reconnects
by itself when PostgreSQL's connections are cut (pg_terminate_backend)."""
from __future__ import annotations

import socket

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.services.cards import issuing as cards
from app.services.common.context import Actor


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is: nothing listens there


def test_healthz_says_why_when_the_database_is_down():
    class Down(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"postgresql+psycopg://nobody:secret@127.0.0.1:{_closed_port()}/none"
    r = create_app(Down).test_client().get("/healthz")
    assert r.status_code == 503
    assert r.json["status"] == "degraded" and r.json["database"] == "unavailable"
    assert r.json["reason"] == "database unavailable (OperationalError)"
    assert "secret" not in r.text and "nobody" not in r.text
    assert r.headers["Cache-Control"] == "no-store"


def test_healthz_checks_redis_when_the_deployment_uses_it(app_with):
    up = app_with(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15")
    r = up.test_client().get("/healthz")
    if r.json.get("redis") != "ok":
        pytest.skip("no Redis on 127.0.0.1:6379")
    assert r.status_code == 200 and r.json == {"status": "ok", "database": "ok", "redis": "ok"}

    down = app_with(REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0")
    r = down.test_client().get("/healthz")
    assert r.status_code == 503 and r.json["redis"] == "unavailable" and r.json["database"] == "ok"
    assert r.json["reason"].startswith("redis unavailable (")


def test_without_redis_configured_healthz_does_not_mention_it(client):
    assert "redis" not in client.get("/healthz").json


def _terminate_other_backends(url: str) -> int:
    """What a PostgreSQL restart does to the app's connections: cut them all."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                     "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    finally:
        engine.dispose()


def _drop_cut_connections() -> None:
    """Connections cut above may still wait in the pool: the next test's clean-up must not
    take one."""
    db.session.remove()
    db.engine.dispose()


def test_the_app_reconnects_after_postgresql_cut_its_connections(app, login, world):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (TEST_DATABASE_URL)")
    person = world.person("张小明", seq=3)
    issued = cards._new(Actor.cli(), person)
    db.session.commit()
    coordinator = login("coordinator")
    public = app.test_client()
    for _ in range(3):
        assert public.get("/healthz").status_code == 200
        assert public.get(f"/C/{issued.token}").status_code == 200  # the card reader's own connections
        assert coordinator.get("/grid/").status_code == 200
        db.session.rollback()
        assert _terminate_other_backends(app.config["SQLALCHEMY_DATABASE_URI"]) >= 1
        # The next requests find their pooled connections dead and make new ones.
        assert public.get("/healthz").status_code == 200
        assert public.get(f"/C/{issued.token}").status_code == 200
        assert coordinator.get("/grid/").status_code == 200
        db.session.rollback()  # the test's own session had its connection cut too
    _drop_cut_connections()


def test_a_write_cut_off_by_the_database_is_not_run_again(app, login, world):
    """Only GET and HEAD are answered again on a new connection: a form post whose
    connection was cut gets the error page (whether it was saved is not known)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (TEST_DATABASE_URL)")
    from app.models import Person
    coordinator = login("coordinator")
    assert coordinator.get("/grid/").status_code == 200
    db.session.rollback()
    assert _terminate_other_backends(app.config["SQLALCHEMY_DATABASE_URI"]) >= 1
    with pytest.raises(OperationalError):  # the error page outside tests; here the error itself
        coordinator.post("/grid/people/new", data={"name": "断线", "no_id_number": "y",
                                                   "birth_date": "2000-01-01", "sex": "1"})
    _drop_cut_connections()
    assert db.session.scalar(db.select(db.func.count()).select_from(Person)) == 0
    assert coordinator.get("/grid/").status_code == 200  # and the next page works
