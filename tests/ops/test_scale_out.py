"""Two app servers on two ports share PostgreSQL and Redis, as several gunicorn instances
behind one proxy do: a login made on one works on the other, a lockout counted on one holds
on the other, a card revoked through one answers 410 on the other at once."""
from __future__ import annotations

import pytest
import redis as redis_client
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services.cards import issuing as cards
from app.services.common.context import Actor
from conftest import Browser
from tests.conftest import PASSWORD

REDIS = "redis://127.0.0.1:6379/13"  # a database number of these tests' own


@pytest.fixture(scope="module")
def shared(postgres, app_server):
    try:
        redis_client.Redis.from_url(REDIS).flushdb()
    except redis_client.RedisError:
        pytest.skip("needs Redis on 127.0.0.1:6379 (the CI starts it)")
    env = {"DATABASE_URL": postgres, "RATELIMIT_STORAGE_URI": REDIS}
    return app_server(**env), app_server(**env)


def test_a_login_made_on_one_server_works_on_the_other(shared, world):
    a, b = shared
    phone = Browser(a)
    assert phone.log_in("coordinator", PASSWORD).status_code == 302
    on_b = Browser(b)
    on_b.http = phone.http  # the same browser, its next request sent to the other server
    page = on_b.get("/grid/")
    assert page.status_code == 200 and "Coordinator" in page.text
    assert on_b.get("/healthz").json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_a_lockout_counted_on_one_server_holds_on_the_other(shared, world):
    a, b = shared
    for _ in range(5):
        assert Browser(a).log_in("supervisor", "wrong-password").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(User.locked_until).where(User.username == "supervisor")) is not None
    right = Browser(b).log_in("supervisor", PASSWORD)
    assert right.status_code == 200 and "/auth/login" not in right.headers.get("Location", "")
    assert Browser(b).get("/grid/").status_code == 302  # not signed in


def test_a_card_revoked_through_one_server_is_gone_on_the_other_at_once(shared, world):
    a, b = shared
    person = world.person("张小明", seq=3)
    issued = cards._new(Actor.cli(), person)
    db.session.commit()
    assert Browser(b).get(f"/C/{issued.token}").status_code == 200  # b's workers have read it
    coordinator = Browser(a)
    coordinator.log_in("coordinator", PASSWORD)
    revoked = coordinator.post_form(f"/grid/people/{person.id}/card/revoke", {}, form_page=f"/grid/people/{person.id}")
    assert revoked.status_code == 302
    for _ in range(4):  # every worker of b, whichever takes the request
        assert Browser(b).get(f"/C/{issued.token}").status_code == 410
