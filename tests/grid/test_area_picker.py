"""A township's or the county's work list: the division-style picker (township › community ›
grid) instead of one chip per grid."""
import re

import pytest

from app.web import lists


@pytest.fixture
def few_chips(monkeypatch):
    monkeypatch.setattr(lists, "CHIPS_UP_TO", 1)


def _names(html):
    return set(re.findall(r"<strong>([^<]+)</strong>", html))


def test_the_admin_picks_township_community_grid_instead_of_a_chip_per_grid(login, world, few_chips):
    world.person("甲", grid=world.grid_a1, seq=1)
    world.person("乙", grid=world.grid_a2, seq=2)
    world.person("丙", grid=world.grid_b1, seq=3)
    c = login("admin")
    html = c.get("/grid/").data.decode()
    assert 'class="chips"' not in html and 'name="area_1"' in html and 'name="area_2"' not in html
    assert {"甲", "乙", "丙"} <= _names(html)
    town = c.get(f"/grid/?area_1={world.town_a.id}").data.decode()
    assert _names(town) & {"甲", "乙", "丙"} == {"甲", "乙"}
    assert 'name="area_2"' in town and f'<option value="{world.comm_a.id}">' in town
    grid = c.get(f"/grid/?area_1={world.town_a.id}&area_2={world.comm_a.id}&area_3={world.grid_a2.id}").data.decode()
    assert _names(grid) & {"甲", "乙", "丙"} == {"乙"}
    assert f'<option value="{world.grid_a2.id}" selected>' in grid
    # another township chosen, the community of the first left in its select: the township counts
    moved = c.get(f"/grid/?area_1={world.town_b.id}&area_2={world.comm_a.id}").data.decode()
    assert _names(moved) & {"甲", "乙", "丙"} == {"丙"}
    # the pager and the tabs keep the area, as ?area=
    assert f"area={world.town_a.id}" in town


def test_the_supervisor_picks_within_the_township_only(login, world, few_chips):
    world.person("甲", grid=world.grid_a1, seq=1)
    world.person("丙", grid=world.grid_b1, seq=3)
    c = login("supervisor")
    html = c.get("/grid/").data.decode()
    assert f'<option value="{world.comm_a.id}">' in html and f'value="{world.comm_b.id}"' not in html
    # an area outside the township is ignored, not shown
    outside = c.get(f"/grid/?area={world.town_b.id}").data.decode()
    assert "丙" not in _names(outside) and "甲" in _names(outside)
    assert c.get(f"/grid/?area_1={world.comm_b.id}").status_code == 200


def test_a_coordinator_keeps_the_chips(login, world):
    html = login("coordinator").get("/grid/").data.decode()
    assert 'class="chips"' in html and 'name="area_1"' not in html


def test_counts_of_many_grids_come_from_the_figure_store_when_it_has_them(login, world, app, monkeypatch):
    from app.domain.clock import local_today, utcnow
    from app.domain.months import Month
    from app.extensions import db
    from app.models import GridFigure
    from app.services.registry import search

    world.person("甲", grid=world.grid_a1, seq=1)
    monkeypatch.setattr(search, "COUNTS_FROM_STORE_OVER", 1)
    c = login("supervisor")  # two grids: over the (patched) limit
    counted = c.get("/grid/").data.decode()
    assert "<strong>1</strong>" in counted and "统计于" not in counted  # nothing stored: counted
    month = Month.from_date(local_today()).first
    for grid in (world.grid_a1, world.grid_a2):
        for key, value in (("people.on_record", 40), ("people.arrived", 3), ("people.left", 2)):
            db.session.add(GridFigure(grid_id=grid.id, month=month, measure=key, value=value, computed_at=utcnow()))
    db.session.commit()
    stored = c.get("/grid/").data.decode()
    assert "<strong>80</strong>" in stored and "<strong>6</strong>" in stored and "统计于" in stored
    # one grid: counted, as a coordinator's
    assert "<strong>1</strong>" in c.get(f"/grid/?grid={world.grid_a1.id}").data.decode()


def test_a_stored_figure_far_above_the_bound_is_the_lists_estimate_without_counting(login, world, app, monkeypatch):
    from app.domain.clock import local_today, utcnow
    from app.domain.months import Month
    from app.extensions import db
    from app.models import GridFigure
    from app.services.common import paging
    from app.services.registry import search

    for i in range(3):
        world.person(f"测{i}", grid=world.grid_a1, seq=i + 1)
    monkeypatch.setattr(search, "COUNTS_FROM_STORE_OVER", 1)
    monkeypatch.setattr(paging, "EXACT_UP_TO", 10)
    monkeypatch.setattr(paging, "bounded_count", lambda stmt: (_ for _ in ()).throw(AssertionError("counted")))
    month = Month.from_date(local_today()).first
    for grid in (world.grid_a1, world.grid_a2):
        for key in ("people.on_record", "people.arrived", "people.left"):
            db.session.add(GridFigure(grid_id=grid.id, month=month, measure=key, value=31_000, computed_at=utcnow()))
    db.session.commit()
    html = login("supervisor").get("/grid/").data.decode()
    assert "共 约 62,000 人" in html and "测0" in html
