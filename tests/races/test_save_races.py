"""Two saves at one moment (issues 23.4 and 18): one registration of an ID number wins and
the other gets the duplicate page; one of two edits at the same version wins and the other
gets the conflict page, its input kept. Never a 500."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Person
from tests.conftest import make_valid_id
from tests.grid.test_register import form
from tests.html_forms import form_values

from .conftest import at_once

ROUNDS = 4


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_registrations_of_one_id_number(signed_in, world, round_):
    one, two = signed_in("coordinator"), signed_in("coordinator")
    number = make_valid_id(seq=100 + round_)
    pages = [b.get("/grid/people/new").text for b in (one, two)]
    posts = []
    for b, page, name in ((one, pages[0], "赵六"), (two, pages[1], "钱七")):
        token = form_values(page, "csrf_token")["csrf_token"]
        data = {**form(world, id_number=number, name=name), "csrf_token": token}
        posts.append(lambda b=b, data=data: b.http.post(b.base + "/grid/people/new", data=data,
                                                        allow_redirects=False, timeout=60))
    results = at_once(*posts)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 302], [(r.status_code, r.text[:300]) for r in results]
    loser = next(r for r in results if r.status_code == 200).text
    assert "已登记" in loser or "重复" in loser, loser[:2000]
    assert ("赵六" in loser) != ("钱七" in loser)  # the loser's own input is on the page
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Person).where(Person.id_number == number)) == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_edits_at_the_same_version(signed_in, world, round_):
    person = world.person(phone="13800000001")
    one, two = signed_in("coordinator"), signed_in("coordinator")
    url = f"/grid/people/{person.id}/edit"
    opened = [form_values(b.get(url).text, "opened") for b in (one, two)]
    posts = []
    for b, values, phone in ((one, opened[0], "13711112222"), (two, opened[1], "13733334444")):
        data = {**values, "phone": phone}
        posts.append(lambda b=b, data=data: b.http.post(b.base + url, data=data, allow_redirects=False, timeout=60))
    results = at_once(*posts)
    assert sorted(r.status_code for r in results) in ([200, 302], [302, 409]), \
        [(r.status_code, r.text[:300]) for r in results]
    loser = next(r for r in results if r.status_code != 302).text
    db.session.expire_all()
    saved = db.session.get(Person, person.id).phone
    assert saved in ("13711112222", "13733334444")
    mine = "13733334444" if saved == "13711112222" else "13711112222"
    assert mine in loser and saved in loser  # side by side: the loser's input and the record's


def test_two_edits_of_different_fields_both_land(signed_in, world):
    person = world.person(phone="13800000001", occupation="厨师")
    one, two = signed_in("coordinator"), signed_in("coordinator")
    url = f"/grid/people/{person.id}/edit"
    opened = [form_values(b.get(url).text, "opened") for b in (one, two)]
    results = at_once(
        lambda: one.http.post(one.base + url, data={**opened[0], "phone": "13711112222"}, allow_redirects=False, timeout=60),
        lambda: two.http.post(two.base + url, data={**opened[1], "occupation": "保安"}, allow_redirects=False, timeout=60))
    assert all(r.status_code == 302 for r in results), [(r.status_code, r.text[:300]) for r in results]
    db.session.expire_all()
    saved = db.session.get(Person, person.id)
    assert (saved.phone, saved.occupation) == ("13711112222", "保安")


@pytest.mark.parametrize("round_", range(2))
def test_two_departures_at_the_same_version(signed_in, world, round_):
    person = world.person()
    one, two = signed_in("coordinator"), signed_in("coordinator")
    url = f"/grid/people/{person.id}/depart"
    opened = [form_values(b.get(url).text, "version") for b in (one, two)]
    posts = [lambda b=b, v=v, d=d: b.http.post(b.base + url, data={**v, "on": "2026-11-20", "destination": d,
                                                                   "reason": "return_home"}, allow_redirects=False, timeout=60)
             for b, v, d in ((one, opened[0], "上海"), (two, opened[1], "北京"))]
    results = at_once(*posts)
    assert sorted(r.status_code for r in results) in ([200, 302], [302, 409]), \
        [(r.status_code, r.text[:300]) for r in results]
