"""Landlords' reports in the coordinator's review queue: a new tenant is registered with
the registration's duplicate check, departures deregister, disputes fix the record."""
import datetime as dt

import pytest
from sqlalchemy import select

from app.domain.clock import local_today
from app.extensions import db
from app.models import Card, ChangeRequest, Dwelling, Person, Tenancy
from tests.conftest import make_valid_id


@pytest.fixture
def tenant(world):
    p = world.person("张三", seq=1)
    t = Tenancy(person_id=p.id, dwelling_id=world.dwelling_a1.id, room="101", start_on=dt.date(2026, 1, 10))
    db.session.add(t)
    db.session.commit()
    return p, t


def _report_arrival(login, world, **extra):
    data = {"name": "赵六", "id_number": make_valid_id(seq=301), "phone": "13912345678", "room": "103",
            "on": local_today().isoformat(), **extra}
    assert login("landlord").post(f"/landlord/dwellings/{world.dwelling_a1.id}/arrival", data=data).status_code == 302
    return db.session.scalars(select(ChangeRequest).where(ChangeRequest.kind == "tenant_arrival")).one()


def test_accepting_a_new_tenant_registers_them_confirmed(login, world):
    change = _report_arrival(login, world)
    coordinator = login("coordinator")
    page = coordinator.get(f"/grid/queue/{change.id}")
    assert page.status_code == 200 and 'value="赵六"' in page.text
    r = coordinator.post(f"/grid/queue/{change.id}/accept", data={"name": "赵 六", "id_number": change.payload["id_number"],
                                                                 "room": "103", "on": change.payload["on"]})
    assert r.status_code == 302, r.text
    db.session.expire_all()
    person = db.session.scalars(select(Person).where(Person.id_number == change.payload["id_number"])).one()
    assert (person.name, person.dwelling_id, person.room, person.phone) == ("赵 六", world.dwelling_a1.id, "103", "13912345678")
    tenancy = db.session.scalars(select(Tenancy).where(Tenancy.person_id == person.id)).one()
    assert tenancy.confirmed_by_landlord_at is not None
    assert db.session.scalars(select(Card).where(Card.person_id == person.id)).one()  # one person, one card
    assert db.session.get(ChangeRequest, change.id).status == "accepted"
    assert "赵 六" in login("landlord").get(f"/landlord/dwellings/{world.dwelling_a1.id}").text


def test_a_tenant_already_registered_in_scope_is_moved_not_duplicated(login, world):
    somewhere = Dwelling(grid_id=world.grid_a1.id, address="文二路 2 号", kind="rental")
    db.session.add(somewhere)
    db.session.commit()
    known = world.person("赵六", dwelling=somewhere, id_number=make_valid_id(seq=301))
    change = _report_arrival(login, world)
    coordinator = login("coordinator")
    page = coordinator.get(f"/grid/queue/{change.id}").text
    assert "此身份证号已登记" in page and f"/grid/people/{known.id}" in page
    r = coordinator.post(f"/grid/queue/{change.id}/accept", data={"on": change.payload["on"]})
    assert r.status_code == 200 and "请核实后再接受" in r.text
    assert db.session.scalars(select(Person).where(Person.name == "赵六")).all().__len__() == 1
    r = coordinator.post(f"/grid/queue/{change.id}/accept", data={"on": change.payload["on"], "move_existing": "y"})
    assert r.status_code == 302
    db.session.expire_all()
    moved = db.session.get(Person, known.id)
    assert (moved.dwelling_id, moved.room) == (world.dwelling_a1.id, "103")


def test_a_tenant_registered_elsewhere_shows_only_the_area(login, world):
    world.person("赵六", grid=world.grid_b1, dwelling=world.dwelling_b1, id_number=make_valid_id(seq=301))
    change = _report_arrival(login, world)
    page = login("coordinator").get(f"/grid/queue/{change.id}").text
    assert "西溪街道" in page and "申请转入" in page and "留和路" not in page


def test_accepting_a_not_my_tenant_dispute_detaches_the_person(login, world, tenant):
    person, tenancy = tenant
    login("landlord").post(f"/landlord/tenancies/{tenancy.id}/dispute", data={"reason": "not_my_tenant"})
    change = db.session.scalars(select(ChangeRequest)).one()
    coordinator = login("coordinator")
    page = coordinator.get(f"/grid/queue/{change.id}").text
    assert "不是我的租客" in page and "租住记录作废" in page
    assert coordinator.post(f"/grid/queue/{change.id}/accept").status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).dwelling_id is None
    assert db.session.get(Person, person.id).status == "present"
    assert db.session.get(Tenancy, tenancy.id).end_on == tenancy.start_on
    assert "张三" not in login("landlord").get(f"/landlord/dwellings/{world.dwelling_a1.id}").text


def test_accepting_a_left_dispute_deregisters(login, world, tenant):
    person, tenancy = tenant
    left_on = local_today() - dt.timedelta(days=10)
    login("landlord").post(f"/landlord/tenancies/{tenancy.id}/dispute", data={"reason": "left", "on": left_on.isoformat()})
    change = db.session.scalars(select(ChangeRequest)).one()
    assert change.payload["late_days"] == 7
    r = login("coordinator").post(f"/grid/queue/{change.id}/accept", data={"on": left_on.isoformat(), "reason": "moved_away"})
    assert r.status_code == 302
    db.session.expire_all()
    p = db.session.get(Person, person.id)
    assert (p.status, p.left_on) == ("left", left_on)


def test_departure_report_accepted_and_a_rejection_seen_by_the_landlord(login, world, tenant):
    person, tenancy = tenant
    landlord = login("landlord")
    landlord.post(f"/landlord/tenancies/{tenancy.id}/confirm")
    landlord.post(f"/landlord/tenancies/{tenancy.id}/departure", data={"on": local_today().isoformat()})
    change = db.session.scalars(select(ChangeRequest)).one()
    coordinator = login("coordinator")
    assert coordinator.post(f"/grid/queue/{change.id}/reject", data={"reason": "本人仍在住，已电话核实"}).status_code == 302
    home = landlord.get("/landlord/").text
    assert "未采纳" in home and "本人仍在住，已电话核实" in home
    landlord.post(f"/landlord/tenancies/{tenancy.id}/departure", data={"on": local_today().isoformat()})
    second = db.session.scalars(select(ChangeRequest).where(ChangeRequest.status == "pending")).one()
    assert coordinator.post(f"/grid/queue/{second.id}/accept", data={}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).status == "left"


def test_a_report_about_a_tenancy_that_ended_meanwhile_cannot_be_accepted(login, world, tenant):
    person, tenancy = tenant
    login("landlord").post(f"/landlord/tenancies/{tenancy.id}/dispute", data={"reason": "not_my_tenant"})
    change = db.session.scalars(select(ChangeRequest)).one()
    db.session.get(Tenancy, tenancy.id).end_on = local_today()
    db.session.commit()
    r = login("coordinator").post(f"/grid/queue/{change.id}/accept")
    assert r.status_code == 200 and "该租住记录已结束" in r.text
    assert db.session.get(ChangeRequest, change.id).status == "pending"


def test_other_grids_do_not_see_landlord_reports(login, world, tenant):
    _, tenancy = tenant
    login("landlord").post(f"/landlord/tenancies/{tenancy.id}/dispute", data={"reason": "not_my_tenant"})
    change = db.session.scalars(select(ChangeRequest)).one()
    assert login("coordinator_b").get(f"/grid/queue/{change.id}").status_code == 404
    assert "张三" in login("supervisor").get("/grid/queue").text
