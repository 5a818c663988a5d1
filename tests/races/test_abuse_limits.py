"""Abuse limits hold across workers (issues 23.5 and 18): tries sent at one moment to a
two-worker gunicorn get no more checks than one at a time; rate limits count in one place
(the database by default, Redis when configured) and answer 429 with a friendly page."""
from __future__ import annotations

import re

import pytest
import redis
import requests
from sqlalchemy import func, select

from app.extensions import db
from app.models import UnlockAttempt
from app.services.cards import issuing as cards
from app.services.common.context import Actor
from tests.ops.conftest import Browser

from .conftest import at_once

PARALLEL = 20
REDIS = "redis://127.0.0.1:6379/13"


def test_parallel_wrong_passwords_get_five_checks(server, world):
    def wrong():
        b = Browser(server)
        return b.log_in("coordinator", "wrong-password").text
    pages = at_once(*[wrong] * PARALLEL)
    checked = sum("用户名或密码不正确" in p for p in pages)
    locked = sum("账号已锁定" in p for p in pages)
    # tries 1-4 say "wrong"; the 5th is checked, wrong and locks; every other is refused unchecked
    assert (checked, locked) == (4, PARALLEL - 4), (checked, locked)


def test_parallel_wrong_card_answers_record_five_failures(server, world):
    person = world.person("张小明", seq=3)
    issued = cards._new(Actor.cli(), person)
    db.session.commit()

    def wrong():
        return requests.post(f"{server}/c/{issued.token}/unlock", data={"last4": "0000"},
                             allow_redirects=False, timeout=60).status_code
    statuses = at_once(*[wrong] * PARALLEL)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(UnlockAttempt)) == 5
    assert statuses.count(429) >= PARALLEL - 5 and 500 not in statuses


def _short_code_posts(base: str, count: int) -> list[int]:
    b = Browser(base)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', b.get("/c").text).group(1)

    def post():
        return b.http.post(base + "/c", data={"csrf_token": token, "code": "ABCD-EFGH"}, allow_redirects=False,
                           timeout=60)
    return at_once(*[post] * count)


def _check_short_code_limit(base: str):
    responses = _short_code_posts(base, 45)
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == 20 and statuses.count(429) == 25, statuses
    refused = next(r for r in responses if r.status_code == 429)
    assert "操作太频繁" in refused.text and "<html" in refused.text  # the friendly page, not a bare text


def test_the_short_code_limit_holds_across_workers_in_the_database(server, world):
    _check_short_code_limit(server)


@pytest.fixture
def redis_server(app, app_server):
    try:
        client = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
        client.flushdb()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379 (apt-get install redis-server; the CI runs one)")
    yield app_server(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_STORAGE_URI=REDIS)
    client.flushdb()


def test_the_short_code_limit_holds_across_workers_in_redis(redis_server, world):
    _check_short_code_limit(redis_server)


def test_the_card_page_rate_holds_across_workers_in_redis(redis_server, world):
    person = world.person("张小明", seq=3)
    issued = cards._new(Actor.cli(), person)
    db.session.commit()
    http = requests.Session()
    statuses = [http.get(f"{redis_server}/C/{issued.token.upper()}", timeout=30).status_code for _ in range(125)]
    assert statuses[:120] == [200] * 120 and statuses[120:] == [429] * 5, statuses
    refused = http.get(f"{redis_server}/c/{issued.token}", timeout=30)
    assert refused.status_code == 429 and "操作太频繁" in refused.text
