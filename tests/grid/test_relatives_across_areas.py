"""A family split across areas (issue 23.6): after a child moved to another township, the
parent's page in the old area says only that a child exists and where it is registered —
no name, birth date or vaccinations — and the new area sees the same of the parent."""
import datetime as dt

from app.extensions import db
from app.models import Relation


def _family(world):
    parent = world.person("王母亲", seq=1, born=dt.date(1990, 3, 1), phone="13800000001")
    child = world.person("王小宝", grid=world.grid_b1, seq=2, born=dt.date(2025, 6, 1))
    db.session.add(Relation(person_id=parent.id, relative_id=child.id, relation="child"))
    db.session.commit()
    return parent, child


def test_the_old_area_sees_only_that_a_child_exists_elsewhere(login, world, services):
    parent, child = _family(world)
    html = login("coordinator").get(f"/grid/people/{parent.id}").text
    assert "子女" in html and "西溪街道" in html
    assert "王小宝" not in html and "2025-06-01" not in html and f"/grid/people/{child.id}" not in html
    station = login("supervisor").get(f"/station/people/{parent.id}")
    assert station.status_code == 200
    assert "王小宝" not in station.text and "2025-06-01" not in station.text  # nor the child's vaccinations


def test_the_new_area_sees_only_that_a_parent_exists_elsewhere(login, world):
    parent, child = _family(world)
    html = login("coordinator_b").get(f"/grid/people/{child.id}").text
    assert "父母" in html and "北山街道" in html
    assert "王母亲" not in html and "1990-03-01" not in html


def test_within_scope_the_family_is_shown_in_full(login, world):
    parent = world.person("王母亲", seq=1, born=dt.date(1990, 3, 1))
    child = world.person("王小宝", seq=2, born=dt.date(2025, 6, 1))
    db.session.add(Relation(person_id=parent.id, relative_id=child.id, relation="child"))
    db.session.commit()
    html = login("coordinator").get(f"/grid/people/{parent.id}").text
    assert "王小宝" in html and f"/grid/people/{child.id}" in html
