"""The client's address behind a proxy: trusted only as far as PROXY_FIX_X_FOR says, so
lockouts, rate limits and the audit log see the real client, and a forged
X-Forwarded-For changes nothing when no proxy is configured."""
from __future__ import annotations

from flask import request
from flask_limiter.util import get_remote_address

from app.domain import cards as rules
from app.extensions import db
from app.models import UnlockAttempt
from app.services.cards import issuing as cards
from app.services.common.context import Actor


def _seen(app, headers=None, remote="198.51.100.7"):
    """What a view of ``app`` takes for the client's address, through the whole WSGI stack."""
    client = app.test_client()
    captured = {}

    @app.get("/_whoami_test")
    def whoami():
        captured.update(addr=request.remote_addr, limiter=get_remote_address(), scheme=request.scheme)
        return "ok"
    client.get("/_whoami_test", headers=headers or {}, environ_base={"REMOTE_ADDR": remote})
    return captured


def test_without_a_proxy_setting_a_forged_header_is_ignored(app_with):
    plain = app_with()
    seen = _seen(plain, {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    assert seen == {"addr": "198.51.100.7", "limiter": "198.51.100.7", "scheme": "http"}


def test_behind_one_proxy_the_client_is_the_address_the_proxy_saw(app_with):
    proxied = app_with(PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    # The client forged the first entry; nginx appended the address it saw.
    seen = _seen(proxied, {"X-Forwarded-For": "6.6.6.6, 203.0.113.9", "X-Forwarded-Proto": "https"},
                 remote="127.0.0.1")
    assert seen == {"addr": "203.0.113.9", "limiter": "203.0.113.9", "scheme": "https"}


def _card(world, seq=3):
    person = world.person(f"张{seq}", seq=seq)
    issued = cards._new(Actor.cli(), person)
    db.session.commit()
    return person, issued


def _scanned_cards(world):
    """Cards enough that failures on all of them from one address are scanning."""
    return [_card(world, seq)[1] for seq in range(10, 10 + rules.UNLOCK_IP_MAX_CARDS)]


def test_card_unlock_failures_count_the_real_client_behind_the_proxy(app_with, world):
    person, issued = _card(world)
    proxied = app_with(PROXY_FIX_X_FOR=1).test_client()
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for card in _scanned_cards(world):
        proxied.post(f"/c/{card.token}/unlock", data={"last4": "0000"},
                     headers={"X-Forwarded-For": "203.0.113.9"}, environ_base=proxy)
    assert set(db.session.scalars(db.select(UnlockAttempt.ip))) == {"203.0.113.9"}  # not the proxy's
    # Another client behind the same proxy is not stopped by the first one's scanning;
    # the first stays stopped whatever it writes in the header.
    ok = proxied.post(f"/c/{issued.token}/unlock", data={"last4": person.id_number[-4:]},
                      headers={"X-Forwarded-For": "203.0.113.10"}, environ_base=proxy)
    assert ok.status_code == 302
    forged = proxied.post(f"/c/{issued.token}/unlock", data={"last4": person.id_number[-4:]},
                          headers={"X-Forwarded-For": "192.0.2.1, 203.0.113.9"}, environ_base=proxy)
    assert forged.status_code == 429


def test_without_a_proxy_rotating_the_header_does_not_escape_the_scanning_limit(app_with, world):
    person, issued = _card(world)
    direct = app_with().test_client()
    for i, card in enumerate(_scanned_cards(world)):
        direct.post(f"/c/{card.token}/unlock", data={"last4": "0000"},
                    headers={"X-Forwarded-For": f"203.0.113.{i}"}, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    r = direct.post(f"/c/{issued.token}/unlock", data={"last4": person.id_number[-4:]},
                    headers={"X-Forwarded-For": "192.0.2.77"}, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert r.status_code == 429


def test_forms_work_over_https_behind_the_proxy_without_a_referer(app_with, world):
    """Browsers send no Referer (Referrer-Policy: no-referrer); Flask-WTF's HTTPS referrer
    check would refuse every form behind TLS. The CSRF token still has to be right."""
    import re

    from tests.conftest import PASSWORD

    proxied = app_with(PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1, WTF_CSRF_ENABLED=True)
    client = proxied.test_client()
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    page = client.get("/auth/login", headers=https, base_url="https://anju.example").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    wrong = client.post("/auth/login", data={"csrf_token": "forged", "username": "coordinator", "password": PASSWORD},
                        headers=https, base_url="https://anju.example")
    assert wrong.status_code == 400
    right = client.post("/auth/login", data={"csrf_token": token, "username": "coordinator", "password": PASSWORD},
                        headers=https, base_url="https://anju.example")
    assert right.status_code == 302
