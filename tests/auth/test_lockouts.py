"""Lockouts that do not leak (issue 23.5): unknown names cost the same hashing as known ones,
an address with many failures is stopped whatever the accounts, an administrator lifts a
lock at once (page or command line), and the message says how many minutes remain."""
import datetime as dt

import pytest
from sqlalchemy import select

from app.domain.clock import minutes_until
from app.extensions import db
from app.models import AuditLog, User
from app.services.admin import accounts
from tests.conftest import PASSWORD


def _wrong(client, username="coordinator", ip="10.0.0.1"):
    return client.post("/auth/login", data={"username": username, "password": "wrong-one"},
                       environ_base={"REMOTE_ADDR": ip})


@pytest.mark.parametrize("username", ["no-such-user", "coordinator"])
def test_every_answer_costs_one_password_hash(client, world, monkeypatch, username):
    calls = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    monkeypatch.setattr("app.models.user.check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    _wrong(client, username)
    assert len(calls) == 1


def test_a_locked_account_still_costs_a_hash(client, world, monkeypatch):
    for _ in range(5):
        _wrong(client)
    calls = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    assert "账号已锁定" in _wrong(client).text and len(calls) == 1


def test_the_lockout_message_says_how_many_minutes_remain(client, world):
    for _ in range(5):
        html = _wrong(client).text
    assert "账号已锁定" in html and "约 15 分钟" in html


def test_minutes_until_rounds_up():
    now = dt.datetime(2026, 1, 1, 12, 0, 0)
    assert minutes_until(now + dt.timedelta(minutes=14, seconds=1), now) == 15
    assert minutes_until(now + dt.timedelta(seconds=5), now) == 1
    assert minutes_until(now - dt.timedelta(minutes=1), now) == 1


def test_many_failures_from_one_address_stop_it_whatever_the_accounts(app, client, world):
    for i in range(app.config["LOGIN_IP_MAX_FAILURES"]):
        _wrong(client, f"guess{i}")
    r = client.post("/auth/login", data={"username": "coordinator", "password": PASSWORD},
                    environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert r.status_code == 200 and "此网络地址登录失败次数过多" in r.text
    # another address is not concerned, and the account itself is not locked
    r = client.post("/auth/login", data={"username": "coordinator", "password": PASSWORD},
                    environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert r.status_code == 302


def test_an_admin_unlocks_a_locked_account_at_once(login, client, world):
    for _ in range(5):
        _wrong(client)
    uid = world.users["coordinator"].id
    admin = login("admin")
    assert "解除锁定" in admin.get("/admin/users").text
    assert admin.post(f"/admin/users/{uid}/unlock").status_code == 302
    r = client.post("/auth/login", data={"username": "coordinator", "password": PASSWORD},
                    environ_base={"REMOTE_ADDR": "10.0.0.3"})
    assert r.status_code == 302
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "user.unlock")).one().entity_id == uid


def test_the_admin_unlocks_themselves_from_the_command_line(app, client, world):
    for _ in range(5):
        _wrong(client, "admin")
    result = app.test_cli_runner().invoke(args=["unlock-user", "ADMIN"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalars(select(User).where(User.username == "admin")).one().locked_until is None
