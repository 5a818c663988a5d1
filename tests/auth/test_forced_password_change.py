"""After an administrator resets a password, nothing but the change-password page (and signing
out, and static files) answers until the user sets a new one — for every role, typed URLs,
exports and htmx requests included."""
import pytest

from app.extensions import db
from tests.conftest import PASSWORD

ROLES = ["admin", "supervisor", "coordinator", "health", "landlord"]
ALLOWED = {"auth.password", "auth.logout", "static", "pwa.manifest", "pwa.service_worker", "pwa.card_worker", "pwa.offline",
           "core.healthz"}


def _must_change(world, username):
    world.users[username].must_change_password = True
    db.session.commit()


def _plain_get_rules(app):
    """Every GET route without URL arguments (the ones a user can type)."""
    return [rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments and rule.endpoint not in ALLOWED]


@pytest.mark.parametrize("username", ROLES)
def test_every_page_leads_to_the_password_page(app, login, world, username):
    _must_change(world, username)
    c = login(username)
    for rule in _plain_get_rules(app):
        r = c.get(rule.rule)
        assert r.status_code == 302 and r.headers["Location"] == "/auth/password", (rule.rule, r.status_code)
    assert c.get("/auth/password").status_code == 200
    assert c.get("/static/css/app.css").status_code == 200
    db.session.expire_all()
    assert world.users[username].must_change_password


def test_exports_posts_and_htmx_are_refused_too(login, world):
    _must_change(world, "coordinator")
    c = login("coordinator")
    for url in ("/grid/", "/grid/people/new", "/grid/export.xlsx"):
        r = c.get(url)
        assert r.status_code == 302 and r.headers["Location"] == "/auth/password"
        assert "spreadsheet" not in r.headers.get("Content-Type", "")
    posted = c.post("/grid/people/new", data={"name": "张三"})
    assert posted.status_code == 302 and posted.headers["Location"] == "/auth/password"
    htmx = c.post("/grid/", data={"q": "张"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 403 and htmx.headers["HX-Redirect"] == "/auth/password" and htmx.text == ""


def test_after_the_change_everything_opens_again(login, world):
    _must_change(world, "coordinator")
    c = login("coordinator")
    assert c.get("/grid/").headers["Location"] == "/auth/password"
    page = c.get("/auth/password", follow_redirects=True).text
    assert "请先设置新密码" in page or "修改密码" in page
    r = c.post("/auth/password", data={"current": PASSWORD, "new": "a-new-password-1"})
    assert r.status_code == 302
    assert c.get("/grid/").status_code == 200


def test_signing_out_is_allowed(login, world):
    _must_change(world, "health")
    c = login("health")
    assert c.post("/auth/logout").headers["Location"] == "/auth/login"
    assert c.get("/station/").headers["Location"].startswith("/auth/login")
