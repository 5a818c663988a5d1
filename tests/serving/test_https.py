"""Over HTTPS the session cookie is Secure and responses carry HSTS (issue 23.8): what the
request says after the trusted proxy headers, or always with SESSION_COOKIE_SECURE."""
from tests.conftest import PASSWORD


def _login_cookie(app, world, **request):
    client = app.test_client()
    r = client.post("/auth/login", data={"username": "coordinator", "password": PASSWORD}, **request)
    assert r.status_code == 302
    return r.headers["Set-Cookie"], r


def test_behind_a_proxy_that_says_https_the_cookie_is_secure_with_hsts(app_with, world):
    proxied = app_with(PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    cookie, r = _login_cookie(proxied, world, headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"},
                              environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert r.headers["Strict-Transport-Security"].startswith("max-age=63072000")


def test_served_over_https_directly_the_cookie_is_secure(app, world):
    cookie, r = _login_cookie(app, world, base_url="https://localhost")
    assert "Secure" in cookie and "Strict-Transport-Security" in r.headers


def test_over_plain_http_no_secure_flag_nor_hsts(app, world):
    cookie, r = _login_cookie(app, world)
    assert "Secure" not in cookie and "Strict-Transport-Security" not in r.headers


def test_a_forged_proto_header_without_a_trusted_proxy_changes_nothing(app_with, world):
    plain = app_with()
    cookie, r = _login_cookie(plain, world, headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in cookie and "Strict-Transport-Security" not in r.headers


def test_the_setting_makes_it_secure_always(app_with, world):
    forced = app_with(SESSION_COOKIE_SECURE=True)
    cookie, _ = _login_cookie(forced, world)
    assert "Secure" in cookie
