"""Pages are compressed (brotli or gzip, as the browser accepts), the public card page too;
downloads and pages with personal data keep their headers."""
from __future__ import annotations

import gzip

import brotli

from app.extensions import db
from app.serving.compression import choose
from app.services.cards import issuing as cards
from app.services.common.context import Actor


def _without_tokens(html: bytes) -> bytes:
    """The page without its CSRF tokens (signed with a timestamp: they change each second)."""
    import re
    return re.sub(rb'(csrf_token" value="|"X-CSRFToken": ")[^"]+', rb"\1", html)


def test_a_page_with_personal_data_is_compressed_and_still_no_store(login, world):
    for i in range(10):
        world.person(f"测试{i}", seq=i + 1)
    c = login("coordinator")
    plain = c.get("/grid/")
    br = c.get("/grid/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br"
    assert _without_tokens(brotli.decompress(br.data)) == _without_tokens(plain.data)
    assert br.headers["Cache-Control"] == "no-store" and "Accept-Encoding" in br.headers["Vary"]
    assert len(br.data) < len(plain.data) / 3
    gz = c.get("/grid/", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and _without_tokens(gzip.decompress(gz.data)) == _without_tokens(plain.data)
    fragment = c.get("/grid/", headers={"Accept-Encoding": "br", "HX-Request": "true"})
    assert "HX-Request" in fragment.headers["Vary"] and "Accept-Encoding" in fragment.headers["Vary"]


def test_downloads_are_sent_as_they_are(login, world):
    world.person("张三", seq=1)
    r = login("coordinator").get("/grid/export.xlsx", headers={"Accept-Encoding": "br"})
    assert r.status_code == 200 and "Content-Encoding" not in r.headers and r.data[:2] == b"PK"


def test_the_public_card_page_is_compressed_in_front_of_flask_as_flask_would(app, world, monkeypatch):
    from app.card import views

    issued = cards._new(Actor.cli(), world.person("张小明", seq=3))
    db.session.commit()
    calls = []
    original = views._page
    monkeypatch.setattr(views, "_page", lambda *a, **k: calls.append(1) or original(*a, **k))
    fast = app.test_client().get(f"/C/{issued.token}", headers={"Accept-Encoding": "br"})
    assert calls == []
    slow_client = app.test_client()
    slow_client.set_cookie("session", "x")
    slow = slow_client.get(f"/C/{issued.token}", headers={"Accept-Encoding": "br"})
    assert calls == [1]
    assert fast.headers["Content-Encoding"] == slow.headers["Content-Encoding"] == "br"
    assert brotli.decompress(fast.data) == brotli.decompress(slow.data)
    assert fast.headers["Vary"] == slow.headers["Vary"] == "Cookie, Accept-Encoding"
    assert int(fast.headers["Content-Length"]) == len(fast.data) < 3000
    gz = app.test_client().get(f"/C/{issued.token}", headers={"Accept-Encoding": "gzip;q=1.0, br;q=0"})
    assert gz.headers["Content-Encoding"] == "gzip"


def test_compression_can_be_left_to_the_proxy(app_with, world):
    quiet = app_with(COMPRESS_HTML=False)
    issued = cards._new(Actor.cli(), world.person("张小明", seq=3))
    db.session.commit()
    client = quiet.test_client()
    assert "Content-Encoding" not in client.get("/auth/login", headers={"Accept-Encoding": "br"}).headers
    assert "Content-Encoding" not in client.get(f"/C/{issued.token}", headers={"Accept-Encoding": "br"}).headers


def test_choosing_an_encoding():
    assert choose("gzip, deflate, br") == "br"
    assert choose("gzip") == "gzip"
    assert choose("br;q=0, gzip;q=0.5") == "gzip"
    assert choose("identity") is None and choose("") is None
    assert choose("*") == "br"
    assert choose("gzip;q=bad") is None
