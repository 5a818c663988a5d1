"""One write path for a registration: the form, the review queue, a ledger import and the
demo county all register through ``services.registry.registration``, in one transaction."""
import datetime as dt
import io

import openpyxl
from sqlalchemy import func, select

from app.domain.idcard import make_id_number
from app.extensions import db
from app.models import Appointment, AuditLog, Card, Movement, Person, Relation, Tenancy
from tests.station.test_people_import import check, run, upload

ADULT = dict(name="赵六", sex=None, marital_status="married", education="junior", occupation="快递员",
             reason_for_coming="work", expected_stay="gt1y")


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def registered_by_form(world, c, id_number, name):
    r = c.post("/grid/people/new", data={
        "id_number": id_number, "name": name, "phone": "13912345678", "ethnicity": "01",
        "marital_status": "married", "education": "junior", "occupation": "快递员", "reason_for_coming": "work",
        "arrived_on": "2026-11-01", "expected_stay": "gt1y", "employer": "顺达快递",
        "grid_id": str(world.grid_a1.id), "dwelling_id": str(world.dwelling_a1.id), "room": "201",
        "hukou_1": "34", "hukou_2": "3412", "hukou_3": "341202"})
    assert r.status_code == 302, r.data.decode()[:2000]
    return db.session.scalars(select(Person).where(Person.id_number == id_number)).one()


def registered_by_import(world, c, id_number, name):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["姓名", "身份证号", "婚姻状况", "来本地日期", "现住址"])
    ws.append([name, id_number, "已婚", "2026-11-01", "文一路 5 号"])
    out = io.BytesIO()
    book.save(out)
    job = check(c, upload(c, out.getvalue()), grid_id=str(world.grid_a1.id))
    assert job.summary["ready"] == 1, job.summary
    run(c, job.id)
    return db.session.scalars(select(Person).where(Person.id_number == id_number)).one()


def what_registering_wrote(person):
    return {
        "arrivals": count(Movement, Movement.person_id == person.id, Movement.kind == "arrive"),
        "tenancies": count(Tenancy, Tenancy.person_id == person.id),
        "cards": count(Card, Card.person_id == person.id, Card.revoked_at.is_(None)),
        "audited": count(AuditLog, AuditLog.entity == "person", AuditLog.entity_id == person.id,
                         AuditLog.action == "person.register"),
        "services": sorted(db.session.scalars(select(Appointment.service_type_id)
                                              .where(Appointment.person_id == person.id))),
    }


def test_an_adult_imported_from_a_ledger_gets_what_the_form_gives(login, world, services):
    """The same adult (a married man of 35), once by the form and once from a ledger: the
    same rows, the same audit, the same services planned."""
    c = login("coordinator")
    by_form = registered_by_form(world, c, make_id_number("341202", dt.date(1991, 5, 6), 11), "赵六")
    by_import = registered_by_import(world, c, make_id_number("341202", dt.date(1991, 5, 6), 13), "钱七")
    assert by_import.grid_id == by_form.grid_id
    form_rows, import_rows = what_registering_wrote(by_form), what_registering_wrote(by_import)
    assert form_rows["services"], "an adult registered by the form has services planned"
    assert import_rows == form_rows


def test_one_audit_row_per_registration_names_the_card_it_issued(login, world):
    """The form and the ledger write one audit row per person: what was registered and the
    card issued with it (no separate card.issue row), shown on the audit log's page."""
    c = login("coordinator")
    people = [registered_by_form(world, c, make_id_number("341202", dt.date(1991, 5, 6), 11), "赵六"),
              registered_by_import(world, c, make_id_number("341202", dt.date(1991, 5, 6), 13), "钱七")]
    cards = {}
    for person in people:
        cards[person.id] = db.session.scalars(select(Card.id).where(Card.person_id == person.id)).one()
        (entry,) = db.session.scalars(select(AuditLog).where(AuditLog.entity == "person",
                                                             AuditLog.entity_id == person.id)).all()
        assert entry.action == "person.register" and entry.after["card_id"] == cards[person.id]
    assert count(AuditLog, AuditLog.action == "card.issue") == 0
    html = login("admin").get(f"/admin/audit?entity=person&entity_id={people[0].id}").data.decode()
    assert f"<th>card_id</th><td></td><td><ins>{cards[people[0].id]}</ins></td>" in html


def test_a_relative_outside_scope_refuses_the_registration_and_writes_nothing(login, world):
    elsewhere = world.person("王五", grid=world.grid_b1, seq=3)
    c = login("coordinator")
    before = (count(Person), count(Card), count(Movement), count(AuditLog))
    r = c.post(f"/grid/people/new?relative_of={elsewhere.id}&relation=child", data={
        "id_number": make_id_number("341202", dt.date(2020, 1, 2), 22), "name": "王小五", "ethnicity": "01",
        "arrived_on": "2026-11-01", "grid_id": str(world.grid_a1.id), "dwelling_id": str(world.dwelling_a1.id),
        "hukou_1": "34", "hukou_2": "3412", "hukou_3": "341202"})
    assert r.status_code == 404
    db.session.rollback()
    assert (count(Person), count(Card), count(Movement), count(AuditLog)) == before


def test_a_child_registered_for_a_parent_is_linked_in_the_same_transaction(login, world):
    parent = world.person("张三", seq=1)
    c = login("coordinator")
    r = c.post(f"/grid/people/new?relative_of={parent.id}&relation=child", data={
        "id_number": make_id_number("341202", dt.date(2020, 1, 2), 22), "name": "张小宝", "ethnicity": "01",
        "arrived_on": "2026-11-01", "grid_id": str(world.grid_a1.id), "dwelling_id": str(world.dwelling_a1.id),
        "hukou_1": "34", "hukou_2": "3412", "hukou_3": "341202"})
    assert r.status_code == 302
    child = db.session.scalars(select(Person).where(Person.name == "张小宝")).one()
    assert count(Relation, Relation.person_id == parent.id, Relation.relative_id == child.id) == 1


def test_the_demo_county_is_registered_as_the_app_registers(app, ctx):
    """Every demo person was written by registration (arrival, card, audit), and those who
    left since by departures (their card revoked, their tenancy ended)."""
    from tests.conftest import _clean

    _clean()
    result = app.test_cli_runner().invoke(args=["seed-demo", "--persons", "120", "--seed", "5"])
    assert result.exit_code == 0, result.output
    people = count(Person)
    assert people == 120
    assert count(Movement, Movement.kind == "arrive") == people
    assert count(AuditLog, AuditLog.action == "person.register") == people
    left = count(Person, Person.status == "left")
    assert left and count(Movement, Movement.kind == "leave") >= left
    assert count(AuditLog, AuditLog.action == "person.depart") >= left
    revoked_or_none = db.session.scalar(select(func.count()).select_from(Person).where(
        Person.status == "left", Person.id.in_(select(Card.person_id).where(Card.revoked_at.is_(None)))))
    assert revoked_or_none == 0
    open_tenancies_of_leavers = count(Tenancy, Tenancy.end_on.is_(None),
                                      Tenancy.person_id.in_(select(Person.id).where(Person.status == "left")))
    assert open_tenancies_of_leavers == 0
    # The figure store is counted at the end: a new deployment's dashboard never starts empty.
    from app.models import GridFigure
    assert "Stored" in result.output
    assert count(GridFigure) > 0
    _clean()
