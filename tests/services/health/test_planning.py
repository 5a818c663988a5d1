"""Planning a month: everyone eligible once, mid-cycle arrivals, children born before they
arrived, documents, and eligibility changes cancelling what is ahead."""
import datetime as dt
import random

import pytest
from sqlalchemy import select, update

from app.domain import dates, schedules
from app.domain.clock import local_today, utcnow
from app.extensions import db
from app.models import Appointment, Document, Person, Relation, ServiceChoice, ServiceType
from app.services.common.context import Actor
from app.services.common.errors import ValidationFailed
from app.services.health import planning, preferences, service_types
from app.services.registry import people as people_service

D = dt.date
CLI = Actor.cli()
DEC, JAN = D(2026, 12, 1), D(2027, 1, 1)
TODAY = local_today()  # where a change plans or cancels at once, it does so as of today


def plan(month=DEC, today=DEC, **kw):
    return planning.plan_month(CLI, month, today=today, **kw)


def plan_now():
    return plan(month=dates.first_of_month(TODAY), today=TODAY)


def rows(person=None, code=None):
    stmt = select(Appointment).join(Appointment.service_type).order_by(Appointment.person_id, Appointment.slot)
    if person is not None:
        stmt = stmt.where(Appointment.person_id == person.id)
    if code:
        stmt = stmt.where(ServiceType.code == code)
    db.session.expire_all()
    return list(db.session.scalars(stmt))


def child_of(world, parent, name, born, arrived, seq):
    kid = world.person(name, seq=seq, born=born, arrived_on=arrived)
    db.session.add(Relation(person_id=parent.id, relative_id=kid.id, relation="child"))
    db.session.commit()
    return kid


def opt_in(person, t):
    db.session.add(ServiceChoice(person_id=person.id, service_type_id=t.id, choice="in", chosen_on=DEC))
    db.session.commit()


def test_planning_twice_makes_the_same_rows(world, services):
    mum = world.person("王芳", seq=2, born=D(1990, 3, 1), marital_status="married", arrived_on=D(2025, 1, 5))
    opt_in(mum, services["reproductive_health"])
    child_of(world, mum, "王小宝", D(2026, 5, 20), D(2026, 6, 1), 3)
    first = plan()
    before = [(a.person_id, a.service_type_id, a.slot, a.due_on, a.status) for a in rows()]
    assert first.created == {"reproductive_health": 1, "health_checkup": 1, "child_immunisation": 3,
                             "residence_permit": 1}
    again = plan()
    assert again.total_created == 0 and again.total_cancelled == 0
    assert [(a.person_id, a.service_type_id, a.slot, a.due_on, a.status) for a in rows()] == before


def test_invitations_are_on_working_days_still_ahead_and_spread(world, services):
    people = [world.person(f"人{i}", seq=i, born=D(1980, 1, 1) + dt.timedelta(days=i)) for i in range(1, 30)]
    plan(today=D(2026, 12, 9))
    due = {a.due_on for a in rows(code="health_checkup")}
    assert len(rows(code="health_checkup")) == len(people)
    assert all(d > D(2026, 12, 9) and d.weekday() < 5 and d.month == 12 for d in due)
    assert len(due) > 5  # spread, not everyone on one day


def test_mid_cycle_arrivals_get_the_current_period(world, services):
    settled = world.person("老住户", seq=1, arrived_on=D(2026, 3, 1))
    plan(month=D(2026, 12, 1), today=D(2026, 12, 1))
    [q4] = rows(settled, "health_checkup")
    assert (q4.slot, q4.window_end) == ("2026-4x4", D(2026, 12, 31))
    q4.status, q4.done_on = "done", D(2026, 12, 3)
    db.session.commit()
    newcomer = world.person("新来的", seq=3, arrived_on=D(2026, 12, 10))  # arrived in the period's last month
    plan(today=D(2026, 12, 10))
    assert [a.slot for a in rows(newcomer, "health_checkup")] == ["2026-4x4"]
    assert [a.status for a in rows(settled, "health_checkup")] == ["done"]  # nothing new for the settled one
    plan(month=JAN, today=D(2026, 12, 20))
    assert [a.slot for a in rows(settled, "health_checkup")] == ["2026-4x4", "2027-4x1"]


def doses_by_day(kid):
    out = {}
    for a in rows(kid, "child_immunisation"):
        out.setdefault(a.due_on, set()).add(a.slot)
    return out


def test_children_born_before_arrival_catch_up_a_visit_at_a_time(world, services):
    """Regression: every missed dose was booked on one visit (DTaP, HepB, IPV doses together)."""
    mum = world.person("李娜", seq=2, born=D(1994, 6, 1))
    # Born 30 June 2026, arrived 15 October: the doses of birth to 4 months fell before the month planned.
    kid = child_of(world, mum, "李小满", D(2026, 6, 30), D(2026, 10, 15), 5)
    plan(today=D(2026, 11, 30))
    visits = doses_by_day(kid)
    first = min(visits)
    # In the schedule's order, at most one dose of a vaccine, three injections: BCG is live, bOPV oral.
    assert visits[first] == {"HepB-1", "BCG", "IPV-1"} and first.month == 12 and first.weekday() < 5
    assert all(a.catch_up for a in rows(kid, "child_immunisation"))
    # A second December visit only four weeks on, with the next dose of each vaccine.
    assert all((day - first).days >= 28 and not codes & {"HepB-1", "BCG", "IPV-1", "HepB-3"}
               for day, codes in visits.items() if day != first)
    for a in rows(kid, "child_immunisation"):
        a.status, a.done_on = "done", a.due_on
    db.session.commit()
    plan(month=JAN, today=D(2026, 12, 31))
    later = {day: codes for day, codes in doses_by_day(kid).items() if day.year == 2027}
    assert later and all(day.weekday() < 5 and day != D(2027, 1, 1) for day in later)
    given = {code: day for day, codes in doses_by_day(kid).items() for code in codes}
    if "HepB-2" in given:
        assert (given["HepB-2"] - given["HepB-1"]).days >= 28


def test_a_dose_due_in_the_month_is_planned_on_its_day(world, services, vaccinated):
    mum = world.person("赵敏", seq=2, born=D(1994, 6, 1))
    kid = child_of(world, mum, "赵小月", D(2026, 10, 31), D(2026, 11, 2), 7)
    vaccinated(kid, 0)
    plan(today=D(2026, 11, 30))
    by_dose = {a.slot: a for a in rows(kid, "child_immunisation")}
    # born 31 October: one month old on 1 December (there is no 31 November), two on 31 December
    assert (by_dose["HepB-2"].due_on, by_dose["HepB-2"].catch_up) == (D(2026, 12, 1), False)
    assert (by_dose["IPV-1"].due_on, by_dose["DTaP-1"].due_on, by_dose["DTaP-1"].catch_up) == (
        D(2026, 12, 31), D(2026, 12, 31), False)
    assert "IPV-2" not in by_dose


def test_a_birth_dose_missed_before_arrival_delays_the_second(world, services):
    mum = world.person("赵敏", seq=2, born=D(1994, 6, 1))
    kid = child_of(world, mum, "赵小月", D(2026, 10, 31), D(2026, 11, 2), 7)
    plan(today=D(2026, 11, 30))
    by_dose = {a.slot: a for a in rows(kid, "child_immunisation")}
    assert by_dose["HepB-1"].catch_up and by_dose["BCG"].catch_up  # fell before arrival
    assert by_dose["HepB-1"].due_on == by_dose["BCG"].due_on
    # HepB-2 (due 1 December) only 28 days after the first dose, if that is still in December
    assert "HepB-2" not in by_dose or (by_dose["HepB-2"].due_on - by_dose["HepB-1"].due_on).days >= 28


def test_leap_day_birth_dose_dates(world, services, vaccinated):
    mum = world.person("孙丽", seq=2, born=D(1994, 6, 1))
    kid = child_of(world, mum, "孙闰闰", D(2024, 2, 29), D(2024, 3, 1), 9)
    vaccinated(kid, 24)
    plan(month=D(2027, 2, 1), today=D(2026, 12, 1))
    # three years old on 1 March 2027, there being no 29 February 2027
    assert "MPSV-AC-1" not in {a.slot for a in rows(kid, "child_immunisation")}
    plan(month=D(2027, 3, 1), today=D(2026, 12, 1))
    by_dose = {a.slot: a for a in rows(kid, "child_immunisation")}
    assert (by_dose["MPSV-AC-1"].due_on, by_dose["MPSV-AC-1"].catch_up) == (D(2027, 3, 1), False)


def test_a_birthday_ends_eligibility_on_the_day(world, services):
    # She turns 50 on 15 January 2027: invited in January only on a day before that.
    women = [world.person(f"妇女{i}", seq=2 * i, born=D(1977, 1, 15), marital_status="married") for i in range(1, 25)]
    for w in women:
        opt_in(w, services["reproductive_health"])
    plan(month=JAN, today=D(2026, 12, 31))
    planned = rows(code="reproductive_health")
    assert planned and all(a.due_on < D(2027, 1, 15) for a in planned)
    assert len(planned) < len(women)  # those whose day fell on or after the birthday were not invited


def test_a_rule_change_cancels_appointments_ahead_not_those_past(world, services):
    t = services["health_checkup"]
    p = world.person("张三", seq=1, born=D(1960, 6, 1))
    past = world.person("李四", seq=3, born=D(1960, 6, 1))
    plan_now()
    [done] = rows(past, "health_checkup")
    done.due_on = TODAY - dt.timedelta(days=1)  # overdue: not "ahead", left alone
    db.session.commit()
    _, cancelled = service_types.update(CLI, t.id, t.version, {**service_types.form_values(t), "age_max": "60"})
    assert cancelled == 1
    assert (rows(p, "health_checkup")[0].status, rows(p, "health_checkup")[0].cancel_reason) == (
        "cancelled", "not_eligible")
    assert rows(past, "health_checkup")[0].status == "planned"


def test_a_change_made_outside_the_app_is_caught_by_the_next_plan(world, services):
    p = world.person("王五", seq=1, born=D(1980, 6, 1))
    plan_now()
    [a] = rows(p, "health_checkup")
    # an import, say, corrects the birth date without going through people.update
    db.session.execute(update(Person).where(Person.id == p.id).values(
        birth_date=D(2015, 6, 1), updated_at=utcnow()))
    db.session.commit()
    result = plan_now()
    assert result.cancelled == {"not_eligible": 2}  # an 11-year-old: no adult check-up, no residence permit yet
    assert {a.status for a in rows(p)} == {"cancelled"}


def test_marriage_divorce_and_departure(world, services):
    coordinator = world.users["coordinator"]
    me = Actor(coordinator.id, "coordinator")
    woman = world.person("周雪", seq=2, born=D(1992, 4, 4), marital_status="single")
    opt_in(woman, services["reproductive_health"])
    plan_now()
    assert rows(woman, "reproductive_health") == []
    people_service.update(me, coordinator, woman.id, woman.version, {"marital_status": "married"})
    [check] = rows(woman, "reproductive_health")
    assert check.status == "planned"  # planned at once, not at the next monthly run
    woman = db.session.get(Person, woman.id)
    people_service.update(me, coordinator, woman.id, woman.version, {"marital_status": "divorced"})
    assert rows(woman, "reproductive_health")[0].status == "cancelled"
    woman = db.session.get(Person, woman.id)
    people_service.depart(me, coordinator, woman.id, woman.version, D(2026, 12, 1), "广东", "moved_away")
    assert {(a.status, a.cancel_reason) for a in rows(woman) if a.service_type.code != "reproductive_health"} == {
        ("cancelled", "departed")}


def test_declining_cancels_and_asking_again_reopens(world, services):
    p = world.person("吴军", seq=1)
    plan_now()
    [a] = rows(p, "health_checkup")
    preferences.set_choice(CLI, None, p.id, services["health_checkup"].id, "out")
    assert (rows(p, "health_checkup")[0].status, rows(p, "health_checkup")[0].cancel_reason) == (
        "cancelled", "declined")
    preferences.set_choice(CLI, None, p.id, services["health_checkup"].id, None)
    [again] = rows(p, "health_checkup")
    assert again.id == a.id and again.status == "planned" and again.cancel_reason is None


def test_an_ended_period_is_missed(world, services):
    p = world.person("钱多", seq=1)
    plan(month=D(2026, 12, 1), today=D(2026, 12, 1))
    plan(month=JAN, today=D(2026, 12, 20))
    [q4, q1] = rows(p, "health_checkup")
    assert q4.status == "planned"
    plan(month=JAN, today=JAN)
    assert [a.status for a in rows(p, "health_checkup")] == ["missed", "planned"]


def test_every_n_months_counts_from_the_last_visit(world, services):
    t = service_types.create(CLI, {"code": "follow_up", "name": "慢病随访", "category": "checkup", "kind": "every_months",
                                   "months": "3", "age_min": "18", "sms_days_before": "3", "active": "1"})
    recent = world.person("近期", seq=1)
    earlier = world.person("早前", seq=3)
    for person, done in ((recent, D(2026, 10, 31)), (earlier, D(2026, 9, 30))):
        db.session.add(Appointment(person_id=person.id, service_type_id=t.id, slot=f"{done:%Y-%m}", due_on=done,
                                   status="done", done_on=done))
    db.session.commit()
    plan()
    assert [a.slot for a in rows(recent, "follow_up")] == ["2026-10"]  # next due in January
    assert [a.slot for a in rows(earlier, "follow_up")] == ["2026-09", "2026-12"]


def test_residence_permit_after_six_months_and_yearly_endorsement(world, services):
    t = services["residence_permit"]
    june = world.person("六月来", seq=1, arrived_on=D(2026, 6, 1))
    july = world.person("七月来", seq=3, arrived_on=D(2026, 7, 15))
    august = world.person("八月来", seq=5, arrived_on=D(2026, 8, 31))
    holder = world.person("持证人", seq=7, arrived_on=D(2025, 1, 2))
    db.session.add(Document(person_id=holder.id, service_type_id=t.id, number="330106-1", issued_on=D(2026, 1, 15)))
    db.session.commit()
    plan()
    assert [(a.slot, a.due_on, a.catch_up) for a in rows(june, "residence_permit")] == [("apply", D(2026, 12, 1), False)]
    # renewals and applications are planned a month ahead, to be reminded the month before
    assert [(a.slot, a.due_on) for a in rows(july, "residence_permit")] == [("apply", D(2027, 1, 15))]
    assert rows(august, "residence_permit") == []  # six months on 1 March (no 31 February)
    assert [(a.slot, a.due_on) for a in rows(holder, "residence_permit")] == [("renew-2027-01-15", D(2027, 1, 15))]


def test_planning_is_limited_to_the_grids_given(world, services):
    here = world.person("本街道", seq=1)
    there = world.person("外街道", grid=world.grid_b1, seq=3)
    plan(grid_ids=[world.grid_a1.id, world.grid_a2.id])
    assert rows(here) and not rows(there)


def test_switching_a_type_off_cancels_what_is_ahead(world, services):
    t = services["health_checkup"]
    p = world.person("孙七", seq=1)
    plan_now()
    _, cancelled = service_types.update(CLI, t.id, t.version, {**service_types.form_values(t), "active": ""})
    assert cancelled == 1 and rows(p, "health_checkup")[0].cancel_reason == "type_inactive"


def test_past_and_far_months_are_refused(world, services):
    for month in (D(2026, 11, 1), D(2028, 1, 1)):
        with pytest.raises(ValidationFailed):
            planning.plan_month(CLI, month, today=DEC)


RULES = [
    schedules.Eligibility(sex="F", age_min=20, age_max=49, marital=("married",)),
    schedules.Eligibility(age_min=18),
    schedules.Eligibility(age_max=6),
    schedules.Eligibility(household_role="parent", child_age_max=3),
    schedules.Eligibility(household_role="child"),
    schedules.Eligibility(sex="M", age_min=60, opt_in=True),
    schedules.Eligibility(marital=("divorced", "widowed"), age_max=64),
]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: str(r.to_json()))
def test_the_sql_agrees_with_the_domain_rule(world, rule):
    """Random people, one rule: the planner invites exactly those ``schedules.eligible``
    accepts on their invitation day."""
    rng = random.Random(str(rule))
    t = service_types.create(CLI, {"code": "probe", "name": "测试", "category": "checkup", "kind": "per_year",
                                   "times": "1", "sms_days_before": "0", "active": "1",
                                   **{k: v for k, v in rule.to_json().items() if v not in (None, [], False)},
                                   "opt_in": "1" if rule.opt_in else ""})
    people = []
    for i in range(1, 80):
        born = D(2026, 12, 1) - dt.timedelta(days=rng.randrange(0, 80 * 365))
        people.append(world.person(f"人{i}", seq=i, born=born, marital_status=rng.choice(
            ["single", "married", "divorced", "widowed", None]), status=rng.choice(["present"] * 9 + ["left"])))
    for parent in people[:40:3]:
        kid = rng.choice(people[40:])
        db.session.add(Relation(person_id=parent.id, relative_id=kid.id, relation="child"))
    for p in people[::5]:
        db.session.add(ServiceChoice(person_id=p.id, service_type_id=t.id, choice=rng.choice(["in", "out"]),
                                     chosen_on=DEC))
    db.session.commit()
    plan(today=D(2026, 12, 14))
    invited = {a.person_id: a.due_on for a in rows(code="probe")}
    days = schedules.invitation_days(DEC, D(2026, 12, 14))
    for p in people:
        facts = preferences.facts(p, t.id)
        day = days[p.id % len(days)]
        assert (p.id in invited) == schedules.eligible(rule, facts, day), (p.name, facts, day)
        if p.id in invited:
            assert invited[p.id] == day
