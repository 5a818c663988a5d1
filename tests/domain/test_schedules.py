"""Schedule rules: who is eligible when, the slots of a cadence, and the next due date."""
import datetime as dt

import pytest

from app.domain import schedules as s
from app.domain.service_defaults import DEFAULT_TYPES, NATIONAL_IMMUNISATION

D = dt.date
WOMEN_20_49 = s.Eligibility(sex="F", age_min=20, age_max=49, marital=("married",), opt_in=True)


def woman(**kw):
    base = dict(sex="F", birth_date=D(1976, 12, 15), marital_status="married", choice="in")
    return s.Facts(**{**base, **kw})


def test_a_birthday_ends_eligibility_on_the_day():
    assert s.eligible(WOMEN_20_49, woman(), D(2026, 12, 14))
    assert s.unmet(WOMEN_20_49, woman(), D(2026, 12, 15)) == ["age"]


def test_a_marriage_a_departure_and_choices():
    assert s.unmet(WOMEN_20_49, woman(marital_status="single"), D(2026, 1, 1)) == ["marital"]
    assert s.eligible(WOMEN_20_49, woman(marital_status="married"), D(2026, 1, 1))
    assert "left" in s.unmet(WOMEN_20_49, woman(present=False), D(2026, 1, 1))
    assert s.unmet(WOMEN_20_49, woman(choice=None), D(2026, 1, 1)) == ["opt_in"]
    # Anyone may decline any service, opt-in or not.
    assert s.unmet(s.Eligibility(age_min=18), woman(choice="out"), D(2026, 1, 1)) == ["declined"]
    # Unknown values never qualify.
    assert "age" in s.unmet(WOMEN_20_49, woman(birth_date=None), D(2026, 1, 1))
    assert "marital" in s.unmet(WOMEN_20_49, woman(marital_status=None), D(2026, 1, 1))


def test_household_role_and_childrens_age():
    rule = s.Eligibility(household_role="parent", child_age_max=2)
    parent = s.Facts(is_parent=True, children_births=(D(2024, 12, 2),))
    assert s.eligible(rule, parent, D(2026, 12, 1))
    assert s.unmet(rule, parent, D(2027, 12, 2)) == ["child_age"]  # the child turned 3
    assert s.unmet(rule, s.Facts(), D(2026, 12, 1)) == ["household", "child_age"]
    assert s.unmet(s.Eligibility(household_role="child"), s.Facts(is_child=True), D(2026, 1, 1)) == []


def test_parse_eligibility_checks_what_was_typed():
    rule = s.parse_eligibility({"sex": "F", "age_min": "20", "age_max": " 49", "marital": ["married"], "opt_in": "y"})
    assert rule == s.Eligibility("F", 20, 49, ("married",), None, None, True)
    assert s.Eligibility.from_json(rule.to_json()) == rule
    with pytest.raises(s.RuleError) as exc:
        s.parse_eligibility({"sex": "X", "age_min": "50", "age_max": "20", "marital": ["polygamous"],
                             "household_role": "boss", "child_age_max": "x"})
    assert set(exc.value.errors) == {"sex", "age_max", "marital", "household_role", "child_age_max"}
    with pytest.raises(s.RuleError) as exc:
        s.parse_eligibility({"age_min": "-1"})
    assert "age_min" in exc.value.errors


def test_doses_are_typed_one_a_line():
    doses = s.parse_doses("HepB-1 乙肝疫苗 第1剂 0m\nMMR-2, 麻腮风疫苗 第2剂, 18月龄\n\nbOPV-2 脊灰 4岁\nBCG 卡介苗 出生")
    assert [(d.code, d.age_months) for d in doses] == [("BCG", 0), ("HepB-1", 0), ("MMR-2", 18), ("bOPV-2", 48)]
    assert doses[1].name == "乙肝疫苗 第1剂"
    assert s.parse_doses(s.doses_text(doses)) == doses
    for bad in ("HepB-1 0m", "HepB-1 乙肝 soon", "HepB-1 a 1m\nHepB-1 b 2m", "乙肝 疫苗 1m", ""):
        with pytest.raises(s.RuleError):
            s.parse_doses(bad)


def test_parse_cadence():
    assert s.parse_cadence({"kind": "per_year", "times": "3"}) == s.Cadence("per_year", times=3)
    assert s.parse_cadence({"kind": "every_months", "months": "3"}).months == 3
    doc = s.parse_cadence({"kind": "document", "apply_after_months": "6", "renew_every_months": "12"})
    assert (doc.apply_after_months, doc.renew_every_months, doc.lead_months) == (6, 12, 1)
    assert s.parse_cadence({"kind": "document", "apply_after_months": "0"}).lead_months == 0
    for bad in ({"kind": "per_year", "times": "5"}, {"kind": "per_year"}, {"kind": "every_months", "months": "0"},
                {"kind": "age_schedule", "doses": ""}, {"kind": "weekly"}, {"kind": "document"}):
        with pytest.raises(s.RuleError):
            s.parse_cadence(bad)


@pytest.mark.parametrize("day,times,slot,start,end", [
    (D(2026, 12, 31), 3, "2026-3x3", D(2026, 9, 1), D(2027, 1, 1)),
    (D(2026, 4, 30), 3, "2026-3x1", D(2026, 1, 1), D(2026, 5, 1)),
    (D(2026, 5, 1), 3, "2026-3x2", D(2026, 5, 1), D(2026, 9, 1)),
    (D(2026, 12, 1), 4, "2026-4x4", D(2026, 10, 1), D(2027, 1, 1)),
    (D(2026, 2, 28), 12, "2026-12x2", D(2026, 2, 1), D(2026, 3, 1)),
    (D(2026, 7, 1), 1, "2026-1x1", D(2026, 1, 1), D(2027, 1, 1)),
])
def test_periods(day, times, slot, start, end):
    assert s.period(day, times) == s.Period(slot, start, end)


def test_planning_months_and_invitation_days():
    s.check_plan_month(D(2026, 12, 1), D(2026, 12, 20))
    s.check_plan_month(D(2027, 12, 1), D(2026, 12, 20))
    for month in (D(2026, 11, 1), D(2028, 1, 1)):
        with pytest.raises(s.RuleError):
            s.check_plan_month(month, D(2026, 12, 20))
    ahead = s.invitation_days(D(2026, 12, 1), D(2026, 12, 28))
    assert ahead == [D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31)]
    january = s.invitation_days(D(2027, 1, 1), D(2026, 12, 28))  # a future month: all its working days
    assert len(january) == 20 and D(2027, 1, 1) not in january  # 元旦 is a holiday


def test_next_due_of_each_cadence():
    today = D(2026, 12, 1)
    quarterly = s.Cadence("per_year", times=4)
    assert s.next_due(quarterly, s.Facts(), [], today) == s.NextDue(D(2026, 12, 1), month_only=True)
    done = [s.Visit("2026-4x4", "done", D(2026, 10, 5), D(2026, 10, 6))]
    assert s.next_due(quarterly, s.Facts(), done, today) == s.NextDue(D(2027, 1, 1), month_only=True)
    overdue = [s.Visit("2026-4x4", "planned", D(2026, 11, 20))]
    assert s.next_due(quarterly, s.Facts(), overdue, today).overdue(today)

    every3 = s.Cadence("every_months", months=3)
    assert s.next_due(every3, s.Facts(), [s.Visit("2026-11", "done", D(2026, 11, 3), D(2026, 11, 4))],
                      today).on == D(2027, 2, 1)

    schedule = s.Cadence("age_schedule", doses=NATIONAL_IMMUNISATION)
    child = s.Facts(birth_date=D(2026, 9, 30))
    given = [s.Visit(c, "done", D(2026, 10, 1), D(2026, 10, 1)) for c in ("HepB-1", "BCG", "HepB-2")]
    nxt = s.next_due(schedule, child, given, today)
    assert nxt.on == D(2026, 11, 30) and "第1剂" in nxt.label  # 2 months old: IPV / DTaP dose 1
    assert s.next_due(schedule, s.Facts(), [], today) is None  # no birth date, no schedule

    permit = s.Cadence("document", apply_after_months=6, renew_every_months=12, lead_months=1)
    arrived = s.Facts(arrived_on=D(2026, 8, 31))
    assert s.next_due(permit, arrived, [], today).on == D(2027, 3, 1)
    held = s.DocumentDates(issued_on=D(2026, 1, 15), endorsed_on=None)
    assert s.next_due(permit, arrived, [], today, held).on == D(2027, 1, 15)
    assert s.next_due(permit, arrived, [], today, s.DocumentDates(D(2026, 1, 15), D(2027, 1, 10))).on == D(2028, 1, 10)


def test_shipped_defaults_are_valid_rules():
    codes = [t["code"] for t in DEFAULT_TYPES]
    assert len(codes) == len(set(codes))
    for spec in DEFAULT_TYPES:
        assert s.Cadence.from_json(spec["cadence"].to_json()) == spec["cadence"]
        assert s.Eligibility.from_json(spec["eligibility"].to_json()) == spec["eligibility"]
    legacy = next(t for t in DEFAULT_TYPES if t["code"] == "marriage_childbirth_certificate")
    assert legacy["active"] is False and legacy["deadline_rule"] == "by_distance"
    ages = {d.code: d.age_months for d in NATIONAL_IMMUNISATION}
    assert (ages["HepB-1"], ages["HepB-2"], ages["HepB-3"], ages["BCG"]) == (0, 1, 6, 0)
    assert [ages[f"DTaP-{i}"] for i in range(1, 6)] == [2, 4, 6, 18, 72]
    assert (ages["bOPV-1"], ages["bOPV-2"], ages["JE-L-2"], ages["MPSV-AC-1"], ages["HepA-L"]) == (4, 48, 24, 36, 18)
    assert s.parse_doses(s.doses_text(NATIONAL_IMMUNISATION)) == tuple(
        sorted(NATIONAL_IMMUNISATION, key=lambda d: (d.age_months, d.code)))
