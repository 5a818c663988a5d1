"""Static files: content-hashed names everywhere a page links them, a year's immutable
cache, precompressed brotli and gzip chosen by Accept-Encoding, the plain names still there."""
from __future__ import annotations

import gzip
import re

import brotli

from app.serving import static_files

STATIC = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def test_pages_link_static_files_by_content_hashed_names(login, world):
    html = login("coordinator").get("/grid/").get_data(as_text=True)
    urls = STATIC.findall(html)
    assert urls and all(static_files.HASHED_NAME.search(u) for u in urls), urls
    assert re.search(r"/static/css/app\.[0-9a-f]{12}\.css", html)


def test_hashed_files_are_cached_for_a_year_and_sent_precompressed(client, app):
    css = client.get("/static/css/app.css").data  # the plain name: the source file
    url = next(u for u in STATIC.findall(client.get("/auth/login").get_data(as_text=True)) if u.endswith(".css"))
    plain = client.get(url)
    assert plain.status_code == 200 and plain.data == css and "Content-Encoding" not in plain.headers
    assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert plain.headers["X-Content-Type-Options"] == "nosniff"
    assert "Accept-Encoding" in plain.headers["Vary"]
    br = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br" and brotli.decompress(br.data) == css
    assert len(br.data) < len(css) / 3
    gz = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.data) == css
    png = client.get(next(u for u in STATIC.findall(client.get("/auth/login").get_data(as_text=True))
                          if u.endswith(".png")), headers={"Accept-Encoding": "br"})
    assert png.status_code == 200 and "Content-Encoding" not in png.headers  # not worth compressing


def test_plain_names_still_work_with_a_short_cache(client):
    response = client.get("/static/js/app.js")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "max-age=60, public"


def test_the_card_page_links_hashed_names_too(client, world):
    from app.extensions import db
    from app.services.cards import issuing as cards
    from app.services.common.context import Actor

    issued = cards._new(Actor.cli(), world.person("张小明", seq=3))
    db.session.commit()
    urls = STATIC.findall(client.get(f"/C/{issued.token}").get_data(as_text=True))
    assert any(u.startswith("/static/css/card.") for u in urls)
    assert all(static_files.HASHED_NAME.search(u) for u in urls), urls


def test_the_service_worker_caches_the_hashed_urls_the_pages_use(client, app):
    from app.pwa.views import shell_urls

    with app.test_request_context():
        urls = shell_urls()
    sw = client.get("/sw.js").get_data(as_text=True)
    for url in urls:
        assert static_files.HASHED_NAME.search(url) and f'"{url}"' in sw
        assert client.get(url).status_code == 200
    assert urls[0] in client.get("/auth/login").get_data(as_text=True)


def test_a_changed_file_gets_a_new_name_and_old_copies_stay(tmp_path):
    source, target = tmp_path / "static", tmp_path / "build"
    (source / "css").mkdir(parents=True)
    (source / "css" / "a.css").write_text("body { color: red; }" * 50)
    first = static_files.read_manifest(source)
    assert static_files.build(first, target) == [first.hashed("css/a.css")]
    assert static_files.build(first, target) == []  # already there
    assert (target / (first.hashed("css/a.css") + ".br")).exists() and (target / (first.hashed("css/a.css") + ".gz")).exists()
    (source / "css" / "a.css").write_text("body { color: blue; }" * 50)
    second = static_files.read_manifest(source)
    assert second.hashed("css/a.css") != first.hashed("css/a.css")
    static_files.build(second, target)
    assert (target / first.hashed("css/a.css")).exists() and (target / second.hashed("css/a.css")).exists()
    assert not list(target.rglob(".build-*"))


def test_flask_static_build_writes_the_copies_ahead_of_time(app, tmp_path):
    app.config["STATIC_BUILD_FOLDER"] = str(tmp_path)
    try:
        result = app.test_cli_runner().invoke(args=["static", "build"])
    finally:
        app.config["STATIC_BUILD_FOLDER"] = None
    assert result.exit_code == 0, result.output
    assert list(tmp_path.glob("css/app.*.css.br"))
    assert "hashed copies" in result.output
