import datetime as dt

from sqlalchemy import select

from app.domain.clock import utcnow
from app.extensions import db
from app.models import AuditLog, User
from tests.conftest import PASSWORD


def test_login_and_logout(client, world):
    r = client.post("/auth/login", data={"username": "coordinator", "password": PASSWORD})
    assert r.status_code == 302
    assert client.get("/grid/").status_code == 200
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/grid/").status_code == 302


def test_wrong_password_message_keeps_the_username(client, world):
    html = client.post("/auth/login", data={"username": "coordinator", "password": "nope"}).data.decode()
    assert "用户名或密码不正确" in html and 'value="coordinator"' in html


def test_lockout_after_five_failures_for_fifteen_minutes(client, world):
    for _ in range(5):
        client.post("/auth/login", data={"username": "coordinator", "password": "wrong"})
    html = client.post("/auth/login", data={"username": "coordinator", "password": PASSWORD}).data.decode()
    assert "账号已锁定" in html
    user = db.session.scalars(select(User).where(User.username == "coordinator")).one()
    assert user.locked_until > utcnow() + dt.timedelta(minutes=14)
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "user.locked")).one()
    # after the lock expires the right password works again
    user.locked_until = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert client.post("/auth/login", data={"username": "coordinator", "password": PASSWORD}).status_code == 302


def test_idle_timeout_signs_out(login, world):
    c = login("coordinator")
    with c.session_transaction() as s:
        s["seen"] = int(utcnow().timestamp()) - 31 * 60
    r = c.get("/grid/")
    assert r.status_code == 302 and "/auth/login" in r.headers["Location"]
    assert c.get("/grid/").status_code == 302  # still signed out


def test_idle_timeout_on_an_htmx_request_redirects_the_whole_page(login, world):
    c = login("coordinator")
    with c.session_transaction() as s:
        s["seen"] = int(utcnow().timestamp()) - 31 * 60
    r = c.post("/grid/", data={"q": "x"}, headers={"HX-Request": "true"})
    assert r.status_code == 401 and r.headers["HX-Redirect"].startswith("/auth/login")


def test_inactive_users_cannot_sign_in(client, world):
    world.users["coordinator"].active = False
    db.session.commit()
    r = client.post("/auth/login", data={"username": "coordinator", "password": PASSWORD})
    assert r.status_code == 200


def test_next_only_goes_to_local_paths(client, world):
    r = client.post("/auth/login?next=//evil.example/x", data={"username": "coordinator", "password": PASSWORD})
    assert r.headers["Location"] == "/"


def test_change_own_password(login, world):
    c = login("coordinator")
    r = c.post("/auth/password", data={"current": PASSWORD, "new": "a-new-password-1"})
    assert r.status_code == 302
    db.session.expire_all()
    assert world.users["coordinator"].check_password("a-new-password-1")
