"""Page-weight budgets (issue 17; DESIGN §6 had 25 KB and 50 KB): the card page ≤ 6 KB and a
coordinator's first load ≤ 40 KB (issue 16: 30 KB before working offline was added) as served to a browser that accepts brotli, everything the
page loads counted; a repeat load fetches no static file again (hashed names, immutable).
Sizes are deterministic, so this is a test; bench/page_weight.py measures the same in
Chromium, headers included (docs/performance.md)."""
import re

from app.extensions import db
from app.services.cards import issuing as cards
from app.services.common.context import Actor

BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def _weight(client, html_response) -> tuple[int, list]:
    """The page and everything it links, as served (the offline bar's texts script included)."""
    total = len(html_response.data)
    html = client.get(html_response.request.path, headers={}).get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/static/[^"]+|/offline/texts\.js[^"]*)"', html)
    responses = [client.get(url.replace("&amp;", "&"), headers=BROWSER) for url in urls]
    return total + sum(len(r.data) for r in responses), responses


def test_card_page_within_6_kb(client, world):
    person = world.person("张小明", seq=3)
    issued = cards._new(Actor.cli(), person)
    db.session.commit()
    page = client.get(f"/c/{issued.token}", headers=BROWSER)
    assert page.headers["Content-Encoding"] == "br"
    weight, _ = _weight(client, page)
    assert weight <= 6 * 1024, weight


def test_coordinator_first_page_within_40_kb_and_static_files_cached_for_good(login, world):
    for i in range(20):
        world.person(f"测试{i}", seq=i + 1)
    c = login("coordinator")
    page = c.get("/grid/", headers=BROWSER)
    weight, statics = _weight(c, page)
    assert weight <= 40 * 1024, weight
    paths = [r.request.path for r in statics]  # working offline is counted too
    assert {"/offline/texts.js", "/static/js/offline.js"} <= {re.sub(r"\.[0-9a-f]{12}\.", ".", p) for p in paths}
    assert all(r.status_code == 200 and r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
               for r in statics)
