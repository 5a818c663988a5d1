"""The app through PgBouncer in transaction pooling mode (Debian's package, two server
connections shared by every client): psycopg 3 must not prepare statements there
(DATABASE_PREPARED_STATEMENTS = False), the card reader neither."""
from __future__ import annotations

from sqlalchemy import select, text

from app.extensions import db
from app.models import Person
from app.services import jobs
from app.services.cards import issuing as cards
from app.services.common.context import Actor
from conftest import Browser
from tests.conftest import PASSWORD


def test_pages_cards_and_writes_through_pgbouncer(pgbouncer, app_server, world):
    person = world.person("张小明", seq=3)
    issued = cards._new(Actor.cli(), person)
    db.session.commit()
    base = app_server(DATABASE_URL=pgbouncer, DATABASE_PREPARED_STATEMENTS="false")  # gunicorn, 2 workers
    coordinator = Browser(base)
    assert coordinator.log_in("coordinator", PASSWORD).status_code == 302
    for _ in range(12):  # past psycopg's default prepare threshold (5) on every statement
        assert coordinator.get("/grid/").status_code == 200
        assert Browser(base).get(f"/C/{issued.token}").status_code == 200
        assert coordinator.get(f"/grid/people/{person.id}").status_code == 200
    edit = coordinator.post_form(f"/grid/people/{person.id}/card/revoke", {}, form_page=f"/grid/people/{person.id}")
    assert edit.status_code == 302
    assert Browser(base).get(f"/C/{issued.token}").status_code == 410
    assert Browser(base).get("/healthz").json()["database"] == "ok"


def test_sessions_and_the_job_queue_through_pgbouncer(pgbouncer, app_with, world):
    through = app_with(SQLALCHEMY_DATABASE_URI=pgbouncer, DATABASE_PREPARED_STATEMENTS=False)
    assert through.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"prepare_threshold": None}
    world.person("李四", seq=4)
    with through.app_context():
        for _ in range(20):
            assert db.session.scalar(select(Person.name).where(Person.name == "李四")) == "李四"
            db.session.commit()
        job = jobs.enqueue("figures.recount", {"grids": [], "measures": {}}, dedupe_key="pgbouncer-test")
        db.session.commit()
        assert jobs.run_pending(through) >= 1
        assert jobs.get(job.id).state == "done"
        assert db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements")) == 0
        db.session.remove()
