"""Page-weight budgets from the design: card page ≤ 25 KB, coordinator's first load ≤ 50 KB
(gzip-compressed, everything the page loads). Sizes are deterministic, so this is a test."""
import gzip
import re

import pytest

from app.services import cards
from app.services.context import Actor
from app.extensions import db


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def _weight(client, html: str) -> int:
    total = _gz(html.encode())
    for url in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        total += _gz(client.get(url).data)
    return total


def test_card_page_within_25_kb(client, world):
    person = world.person("张小明", seq=3)
    issued = cards._new(Actor.cli(), person)
    db.session.commit()
    html = client.get(f"/c/{issued.token}").data.decode()
    assert "<script src" in html  # only the small service-worker registration
    weight = _weight(client, html)
    assert weight <= 25 * 1024, weight


def test_coordinator_first_page_within_50_kb(login, world):
    for i in range(20):
        world.person(f"测试{i}", seq=i + 1)
    c = login("coordinator")
    weight = _weight(c, c.get("/grid/").data.decode())
    assert weight <= 50 * 1024, weight
