"""Health check, security headers, languages, error pages, CSRF."""
import pytest

from app import create_app
from app.config import TestConfig
from tests.conftest import PASSWORD


def test_healthz_reports_the_database(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json == {"status": "ok", "database": "ok"}


def test_healthz_when_the_database_is_down():
    class Down(TestConfig):
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    r = create_app(Down).test_client().get("/healthz")
    assert r.status_code == 503 and r.json["database"] == "unavailable"


def test_security_headers(client):
    r = client.get("/auth/login")
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in r.headers["Content-Security-Policy"]
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert r.headers["X-Frame-Options"] == "DENY"


def test_pages_with_personal_data_are_not_cached(login, world):
    assert login("coordinator").get("/grid/").headers["Cache-Control"] == "no-store"


def test_switch_to_english_and_back(login, world):
    c = login("coordinator")
    r = c.post("/lang", data={"lang": "en", "next": "/grid/"})
    assert r.status_code == 302 and r.headers["Location"] == "/grid/"
    html = c.get("/grid/").data.decode()
    assert "My grids" in html and 'lang="en"' in html
    c.post("/lang", data={"lang": "zh", "next": "/grid/"})
    assert "我的网格" in c.get("/grid/").data.decode()


def test_a_late_answer_with_the_old_session_does_not_switch_the_language_back(login, world):
    """The choice is a cookie of its own: a background request sent before the switch and
    answered after it sets the session cookie it started with."""
    c = login("coordinator")
    before = c.get_cookie("session").value
    c.post("/lang", data={"lang": "en", "next": "/grid/"})
    c.set_cookie("session", before)  # the late answer
    assert "My grids" in c.get("/grid/").data.decode()


def test_language_switch_never_redirects_offsite(client):
    r = client.post("/lang", data={"lang": "en", "next": "https://evil.example/"})
    assert r.headers["Location"] == "/"


def test_unknown_page_is_a_friendly_404(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "找不到页面" in r.data.decode()


def test_api_unknown_division_is_json_404(client):
    r = client.get("/api/divisions?parent=999999")
    assert r.status_code == 404 and r.json["error"]
    assert {"code": "33", "name": "浙江省"} in client.get("/api/divisions").json
    assert client.get("/api/divisions/342101").json["status"] == "retired"


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def test_csrf_is_enforced_on_forms_and_htmx(csrf_app, world):
    c = csrf_app.test_client()
    r = c.post("/auth/login", data={"username": "coordinator", "password": PASSWORD})
    assert r.status_code == 400 and "页面已过期" in r.data.decode()
    page = c.get("/auth/login").data.decode()
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    r = c.post("/auth/login", data={"username": "coordinator", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    # htmx sends the token in a header set on <body>
    home = c.get("/grid/").data.decode()
    header_token = home.split('"X-CSRFToken": "')[1].split('"')[0]
    assert c.post("/grid/people/check-id", data={"id_number": "1"}, headers={"HX-Request": "true"}).status_code == 400
    r = c.post("/grid/people/check-id", data={"id_number": "1"},
               headers={"HX-Request": "true", "X-CSRFToken": header_token})
    assert r.status_code == 200


def test_office_hours_keep_each_time_range_on_one_line():
    from app.core.templating import unbroken_times
    html = str(unbroken_times("周一至周五 8:30–12:00，13:30 至 17:00 <b>"))
    assert html == ('周一至周五 <span class="nowrap">8:30–12:00</span>，<span class="nowrap">13:30 至 17:00</span>'
                    " &lt;b&gt;")
    assert str(unbroken_times(None)) == ""
