"""Two reviewers accepting the same report at one moment (issue 18): applied once — one
person registered, one arrival, one acceptance in the audit log — and the other reviewer
is told it was already handled."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditLog, ChangeRequest, Movement, Person
from tests.grid.test_landlord_reviews import _report_arrival
from tests.html_forms import form_values

from .conftest import at_once


@pytest.mark.parametrize("round_", range(3))
def test_two_reviewers_accept_one_report(login, signed_in, world, round_):
    change = _report_arrival(login, world)
    one, two = signed_in("coordinator"), signed_in("coordinator")
    url = f"/grid/queue/{change.id}"
    tokens = [form_values(b.get(url).text, "csrf_token")["csrf_token"] for b in (one, two)]
    data = {"name": "赵六", "id_number": change.payload["id_number"], "room": "103", "on": change.payload["on"]}
    results = at_once(*[lambda b=b, t=t: b.http.post(b.base + url + "/accept", data={**data, "csrf_token": t},
                                                     allow_redirects=False, timeout=60)
                        for b, t in ((one, tokens[0]), (two, tokens[1]))])
    assert sorted(r.status_code for r in results) == [200, 302], [(r.status_code, r.text[:300]) for r in results]
    loser = next(r for r in results if r.status_code == 200).text
    assert "该申请已处理" in loser
    db.session.expire_all()
    count = lambda q: db.session.scalar(select(func.count()).select_from(q.subquery()))  # noqa: E731
    assert count(select(Person.id).where(Person.id_number == change.payload["id_number"])) == 1
    assert count(select(Movement.id).where(Movement.kind == "arrive")) == 1
    assert count(select(AuditLog.id).where(AuditLog.action == "review.accept")) == 1
    assert db.session.get(ChangeRequest, change.id).status == "accepted"


def test_accept_and_reject_at_one_moment(login, signed_in, world):
    change = _report_arrival(login, world)
    one, two = signed_in("coordinator"), signed_in("coordinator")
    url = f"/grid/queue/{change.id}"
    tokens = [form_values(b.get(url).text, "csrf_token")["csrf_token"] for b in (one, two)]
    accept = {"name": "赵六", "id_number": change.payload["id_number"], "room": "103", "on": change.payload["on"]}
    results = at_once(
        lambda: one.http.post(one.base + url + "/accept", data={**accept, "csrf_token": tokens[0]},
                              allow_redirects=False, timeout=60),
        lambda: two.http.post(two.base + url + "/reject", data={"reason": "不是本房屋", "csrf_token": tokens[1]},
                              allow_redirects=False, timeout=60))
    assert sorted(r.status_code for r in results) == [200, 302], [(r.status_code, r.text[:300]) for r in results]
    db.session.expire_all()
    status = db.session.get(ChangeRequest, change.id).status
    registered = db.session.scalar(select(func.count()).select_from(Person).where(
        Person.id_number == change.payload["id_number"]))
    assert (status, registered) in (("accepted", 1), ("rejected", 0))
