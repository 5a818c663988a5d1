"""Catching up a child's vaccinations (domain.schedules.plan_doses): the national schedule's
catch-up rules — at most one dose of a vaccine a visit, the shortest intervals between the
doses of a vaccine, injected live vaccines the same day or four weeks apart, the injections a
visit allows — and what can be given together grouped on one visit."""
import datetime as dt
import random

from app.domain import dates
from app.domain import schedules as s
from app.domain.service_defaults import NATIONAL_IMMUNISATION
from app.domain.workcalendar import WorkCalendar

D = dt.date
CAL = WorkCalendar()
SCHEDULE = s.Cadence("age_schedule", doses=NATIONAL_IMMUNISATION)
BY_CODE = {d.code: d for d in NATIONAL_IMMUNISATION}


def month_plan(birth, month, given, planned=None, today=None, invitation_index=10, **kw):
    today = today or month - dt.timedelta(days=1)
    days = CAL.workdays(month, after=today if today >= month else None)
    return s.plan_doses(SCHEDULE, birth, given=given, planned=planned or {}, today=today, start=days[0],
                        until=dates.add_months_to_first(month, 1), invitation=days[invitation_index % len(days)],
                        next_workday=CAL.next_workday, **kw)


def simulate(birth, first_month, months, given=None, arrived_on=None, max_injections=3, invitation_index=10):
    """Plan month after month, every planned dose given on its day: the visits (day → codes)."""
    given, month = dict(given or {}), first_month
    for _ in range(months):
        for dose in month_plan(birth, month, given, arrived_on=arrived_on, max_injections=max_injections,
                               invitation_index=invitation_index):
            given[dose.code] = dose.on
        month = dates.add_months_to_first(month, 1)
    return given


def assert_catch_up_rules(birth, given, before=(), max_injections=3):
    """Every dose planned (all in ``given`` but the codes ``before``) keeps the rules."""
    visits = {}
    for code, on in given.items():
        visits.setdefault(on, []).append(BY_CODE[code])
    new_days = sorted({on for code, on in given.items() if code not in before})
    for day in new_days:
        doses = visits[day]
        assert CAL.is_workday(day), day
        assert len({d.vaccine for d in doses}) == len(doses), (day, doses)  # one dose of a vaccine
        assert sum(not d.oral for d in doses) <= max_injections, (day, doses)
        for d in doses:
            assert day >= dates.anniversary(birth, d.age_months), (d.code, day)  # never before its age
    for earlier, later in zip(new_days, new_days[1:]):
        assert (later - earlier).days >= s.VISIT_GAP_DAYS
    for code, on in given.items():
        if code in before:
            continue
        dose = BY_CODE[code]
        before = [d for d in NATIONAL_IMMUNISATION if d.vaccine == dose.vaccine
                  and (d.age_months, d.code) < (dose.age_months, dose.code) and d.code in given]
        if before:
            prev_on = given[before[-1].code]
            minimum = (dates.anniversary(prev_on, dose.after_months) if dose.after_months
                       else prev_on + dt.timedelta(days=dose.after_days or 28))
            assert on >= minimum, (code, on, before[-1].code, prev_on)
    live = sorted(on for code, on in given.items() if BY_CODE[code].live)
    assert all(a == b or (b - a).days >= s.LIVE_GAP_DAYS for a, b in zip(live, live[1:])), live


def test_the_issue_child_gets_one_visit_not_nineteen_doses():
    """Born June 2023, no vaccinations: 19 doses were booked on 2026-12-25."""
    birth = D(2023, 6, 15)
    december = month_plan(birth, D(2026, 12, 1), {})
    assert len({p.on for p in december}) == 1 and all(p.catch_up for p in december)
    # BCG is not caught up after 3 years, meningococcal A not after 2: HepB, polio and DTaP first.
    assert [p.code for p in december] == ["HepB-1", "IPV-1", "DTaP-1"]
    given = simulate(birth, D(2026, 12, 1), 18)
    assert_catch_up_rules(birth, given)
    assert "BCG" not in given and "MPSV-A-1" not in given  # too old for them
    owed = {d.code for d in NATIONAL_IMMUNISATION} - {"BCG", "MPSV-A-1", "MPSV-A-2", "DTaP-5", "MPSV-AC-2"}
    assert owed <= set(given)  # the rest caught up within 18 months (DTaP-5, MPSV-AC-2 at 6 years)
    assert len(set(given.values())) <= 10


def test_doses_due_on_their_day_stay_on_their_day():
    birth = D(2026, 10, 31)
    given = {"HepB-1": D(2026, 10, 31), "BCG": D(2026, 10, 31)}
    december = month_plan(birth, D(2026, 12, 1), given, today=D(2026, 11, 30))
    assert [(p.code, p.on, p.catch_up) for p in december] == [
        ("HepB-2", D(2026, 12, 1), False), ("IPV-1", D(2026, 12, 31), False), ("DTaP-1", D(2026, 12, 31), False)]


def test_a_dose_due_on_a_holiday_moves_to_the_next_working_day_and_is_not_a_catch_up():
    birth = D(2026, 12, 1)  # one month old on 1 January 2027 (元旦)
    [dose] = month_plan(birth, D(2027, 1, 1), {"HepB-1": birth, "BCG": birth}, today=D(2026, 12, 20))
    assert (dose.code, dose.on, dose.catch_up) == ("HepB-2", D(2027, 1, 4), False)


def test_the_injections_a_visit_allows_is_a_setting():
    birth = D(2023, 6, 15)
    two = month_plan(birth, D(2026, 12, 1), {}, max_injections=2)
    assert [p.code for p in two] == ["HepB-1", "IPV-1"]
    given = simulate(birth, D(2026, 12, 1), 24, max_injections=2)
    assert_catch_up_rules(birth, given, max_injections=2)
    # an oral dose is no injection: bOPV joins a visit of two injections
    visits = {}
    for code, on in given.items():
        visits.setdefault(on, set()).add(code)
    assert any("bOPV-1" in codes and len(codes) == 3 for codes in visits.values())


def test_an_overdue_dose_holds_back_the_rest_of_its_vaccine():
    birth = D(2026, 5, 1)
    given = {"HepB-1": birth, "BCG": birth, "HepB-2": D(2026, 6, 1)}
    planned = {"IPV-1": D(2026, 7, 1), "DTaP-1": D(2026, 7, 1)}  # never given, never moved: overdue
    plan = month_plan(birth, D(2026, 12, 1), given, planned=planned)
    codes = {p.code for p in plan}
    assert not codes & {"IPV-1", "IPV-2", "bOPV-1", "DTaP-1", "DTaP-2", "DTaP-3"}
    assert "HepB-3" in codes


def test_planning_again_adds_nothing():
    birth = D(2026, 6, 30)
    first = month_plan(birth, D(2026, 12, 1), {}, arrived_on=D(2026, 10, 15))
    planned = {p.code: p.on for p in first}
    assert month_plan(birth, D(2026, 12, 1), {}, planned=planned, arrived_on=D(2026, 10, 15)) == []


def test_injected_live_vaccines_the_same_day_or_four_weeks_apart():
    birth = D(2025, 12, 10)  # 8 months on 10 August 2026: MMR-1 and JE-L-1
    given = {c: birth for c in ("HepB-1", "BCG")} | {"MMR-1": D(2026, 11, 25)}  # MMR given elsewhere
    given |= {c: dates.anniversary(birth, BY_CODE[c].age_months)
              for c in ("HepB-2", "IPV-1", "DTaP-1", "IPV-2", "bOPV-1", "DTaP-2", "HepB-3", "DTaP-3", "MPSV-A-1",
                        "MPSV-A-2")}
    plan = {p.code: p.on for p in month_plan(birth, D(2026, 12, 1), given, invitation_index=0)}
    assert plan["JE-L-1"] >= D(2026, 11, 25) + dt.timedelta(days=28)


def test_random_children_always_keep_the_rules():
    rng = random.Random(2026)
    for _ in range(150):
        birth = D(2020, 1, 1) + dt.timedelta(days=rng.randrange(0, 6 * 365))
        arrived = birth + dt.timedelta(days=rng.randrange(0, 4 * 365))
        first_month = dates.first_of_month(max(arrived, D(2026, 1, 1)))
        # some doses given before they came, on their day
        given = {d.code: dates.anniversary(birth, d.age_months) for d in NATIONAL_IMMUNISATION
                 if dates.anniversary(birth, d.age_months) < arrived and rng.random() < 0.5}
        kept = {code: on for code, on in given.items()
                if all(b.code in given for b in NATIONAL_IMMUNISATION if b.vaccine == BY_CODE[code].vaccine
                       and b.age_months < BY_CODE[code].age_months)}
        result = simulate(birth, first_month, 14, given=kept, arrived_on=arrived,
                          max_injections=rng.choice((2, 3, 4)), invitation_index=rng.randrange(20))
        assert_catch_up_rules(birth, result, before=set(kept), max_injections=4)


def test_doses_are_typed_with_what_catching_up_needs():
    doses = s.parse_doses("HepB-2 乙肝疫苗 第2剂 1m after=28d\nbOPV-1 脊灰 4m series=polio after=28d oral\n"
                          "JE-L-2 乙脑 第2剂 2y after=12m live\nBCG 卡介苗 0m live until=3y")
    by = {d.code: d for d in doses}
    assert (by["HepB-2"].after_days, by["HepB-2"].vaccine) == (28, "HepB")
    assert (by["bOPV-1"].vaccine, by["bOPV-1"].oral) == ("polio", True)
    assert (by["JE-L-2"].after_months, by["JE-L-2"].live) == (12, True) and by["BCG"].until_months == 36
    assert s.parse_doses(s.doses_text(doses)) == doses
    assert s.Cadence.from_json(s.Cadence("age_schedule", doses=doses).to_json()).doses == doses
    for bad in ("HepB-2 乙肝 1m after=soon", "HepB-2 乙肝 1m series=多", "HepB-2 乙肝 1m until=200y"):
        try:
            s.parse_doses(bad)
        except s.RuleError:
            continue
        raise AssertionError(bad)


def test_the_migration_adds_the_shipped_catch_up_rules():
    """Deployments installed before these rules get them by migration 0015: the same values."""
    import importlib.util
    from pathlib import Path
    path = Path(__file__).parents[2] / "migrations" / "versions" / "0015_station.py"
    spec = importlib.util.spec_from_file_location("migration_0015", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    shipped = {d.code: {k: v for k, v in d.to_json().items() if k in migration.KEYS} for d in NATIONAL_IMMUNISATION}
    assert {code: rules for code, rules in shipped.items() if rules} == migration.CATCH_UP
