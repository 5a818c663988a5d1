"""Service types as data: who is eligible, how often, and when each one is due next.

A service type (``models.ServiceType``) keeps its rules in two JSON columns, checked and
normalised here: ``eligibility`` (sex, age, marital status, household role, children's
age, whether the person must opt in) and ``cadence`` (N times a year, every N months,
an age schedule of doses, or a document applied for after a stay and renewed yearly).

Every service is voluntary and free: a person may decline any of them (their future
appointments are then cancelled), and a type marked ``opt_in`` reaches only people who
asked for it. The planner (``services.health.planning``) turns the same rules into set-based
SQL; ``eligible`` here judges one person and is what the tests compare the SQL with.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache, cached_property

from . import dates
from .choices import MARITAL_STATUS, codes
from .text import N_, Message
from .workcalendar import WorkCalendar

CATEGORIES = (("checkup", N_("健康检查")), ("vaccination", N_("预防接种")), ("document", N_("证件办理")))
CADENCE_KINDS = (("per_year", N_("每年 N 次")), ("every_months", N_("每 N 个月")),
                 ("age_schedule", N_("按年龄的接种程序")), ("document", N_("证件：居住满期后办理、定期签注")))
HOUSEHOLD_ROLES = (("parent", N_("有登记子女的父母")), ("child", N_("登记为他人子女")))
DEADLINE_RULES = (("due_date", N_("按到期日")), ("by_distance", N_("按户籍地远近（同市/同省/外省）")))
# What a health worker records as the result of a service that was given.
OUTCOMES = {
    "checkup": (("normal", N_("未见异常")), ("follow_up", N_("建议复查")), ("referred", N_("已转诊"))),
    "vaccination": (("given", N_("已接种")), ("given_elsewhere", N_("外地已接种（凭接种证补录）"))),
    "document": (("issued", N_("已办理")),),
}
STATUSES = (("planned", N_("待完成")), ("done", N_("已完成")), ("missed", N_("期内未完成")),
            ("cancelled", N_("已取消")))
# Why an appointment was cancelled.
CANCEL_REASONS = (("departed", N_("已离开本地")), ("not_eligible", N_("不再符合条件")),
                  ("declined", N_("本人不参加")), ("type_inactive", N_("服务已停用")))
UNMET = {
    "left": N_("已离开本地"), "sex": N_("性别不符"), "age": N_("年龄不符"), "marital": N_("婚姻状况不符"),
    "household": N_("家庭角色不符"), "child_age": N_("没有符合年龄的子女"), "opt_in": N_("本人未申请"),
    "declined": N_("本人不参加"),
}

PER_YEAR_TIMES = (1, 2, 3, 4, 6, 12)  # a year split into equal whole-month periods
MAX_AGE = 130
MAX_MONTHS = 120


class RuleError(ValueError):
    """Bad rule input; ``errors`` maps form field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


# --------------------------------------------------------------------------- eligibility

@dataclass(frozen=True)
class Eligibility:
    sex: str | None = None
    age_min: int | None = None  # whole years on the due date, inclusive
    age_max: int | None = None
    marital: tuple[str, ...] = ()  # any of these; empty: any
    household_role: str | None = None  # "parent": has a linked child; "child": is one
    child_age_max: int | None = None  # has a linked child of at most this age
    opt_in: bool = False

    def to_json(self) -> dict:
        return {"sex": self.sex, "age_min": self.age_min, "age_max": self.age_max, "marital": list(self.marital),
                "household_role": self.household_role, "child_age_max": self.child_age_max, "opt_in": self.opt_in}

    @classmethod
    def from_json(cls, data: dict | None) -> "Eligibility":
        data = data or {}
        return cls(sex=data.get("sex"), age_min=data.get("age_min"), age_max=data.get("age_max"),
                   marital=tuple(data.get("marital") or ()), household_role=data.get("household_role"),
                   child_age_max=data.get("child_age_max"), opt_in=bool(data.get("opt_in")))


def _int(raw, name: str, errors: dict, low: int, high: int) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        errors[name] = N_("请填写整数")
        return None
    if not low <= value <= high:
        errors[name] = Message(N_("应在 %(low)d 到 %(high)d 之间"), low=low, high=high)
        return None
    return value


def parse_eligibility(raw: dict) -> Eligibility:
    """What the admin typed (form fields or JSON) as a checked rule; raises ``RuleError``."""
    errors: dict = {}
    sex = raw.get("sex") or None
    if sex not in (None, "M", "F"):
        errors["sex"] = N_("请选择性别")
    age_min = _int(raw.get("age_min"), "age_min", errors, 0, MAX_AGE)
    age_max = _int(raw.get("age_max"), "age_max", errors, 0, MAX_AGE)
    if age_min is not None and age_max is not None and age_min > age_max:
        errors["age_max"] = N_("最大年龄不能小于最小年龄")
    marital = tuple(m for m in (raw.get("marital") or ()) if m)
    if set(marital) - codes(MARITAL_STATUS):
        errors["marital"] = N_("婚姻状况无效")
    role = raw.get("household_role") or None
    if role not in (None, *codes(HOUSEHOLD_ROLES)):
        errors["household_role"] = N_("家庭角色无效")
    child_age_max = _int(raw.get("child_age_max"), "child_age_max", errors, 0, 18)
    if errors:
        raise RuleError(errors)
    return Eligibility(sex, age_min, age_max, marital, role, child_age_max, bool(raw.get("opt_in")))


@dataclass(frozen=True)
class Facts:
    """What the rules look at about one person."""

    present: bool = True
    sex: str | None = None
    birth_date: dt.date | None = None
    marital_status: str | None = None
    arrived_on: dt.date | None = None
    is_parent: bool = False
    is_child: bool = False
    children_births: tuple[dt.date, ...] = ()
    choice: str | None = None  # "in" (asked for it), "out" (declined), None


def unmet(rule: Eligibility, facts: Facts, on: dt.date) -> list[str]:
    """The conditions ``facts`` fail on ``on`` (keys of ``UNMET``); empty: eligible.
    Unknown values (no birth date, no marital status) never satisfy a condition."""
    missing = []
    if not facts.present:
        missing.append("left")
    if rule.sex and facts.sex != rule.sex:
        missing.append("sex")
    if rule.age_min is not None or rule.age_max is not None:
        age = dates.age_on(facts.birth_date, on) if facts.birth_date else None
        if age is None or (rule.age_min is not None and age < rule.age_min) or (
                rule.age_max is not None and age > rule.age_max):
            missing.append("age")
    if rule.marital and facts.marital_status not in rule.marital:
        missing.append("marital")
    if (rule.household_role == "parent" and not facts.is_parent) or (
            rule.household_role == "child" and not facts.is_child):
        missing.append("household")
    if rule.child_age_max is not None and not any(
            0 <= dates.age_on(b, on) <= rule.child_age_max for b in facts.children_births if b):
        missing.append("child_age")
    if facts.choice == "out":
        missing.append("declined")
    elif rule.opt_in and facts.choice != "in":
        missing.append("opt_in")
    return missing


def eligible(rule: Eligibility, facts: Facts, on: dt.date) -> bool:
    return not unmet(rule, facts, on)


# --------------------------------------------------------------------------- cadence

@dataclass(frozen=True)
class Dose:
    """One dose of an age schedule, with what catching it up needs (the national
    immunisation schedule's 补种原则): the doses of one ``series`` (one vaccine: HepB,
    polio, DTaP…) are given in order, at most one a visit, each at least ``after_days`` /
    ``after_months`` after the one before (28 days when not given); an oral vaccine is no
    injection; injected live vaccines are given the same day or 28 days apart; a dose not
    caught up by ``until_months`` of age is not planned any more."""

    code: str
    name: str
    age_months: int
    series: str = ""  # empty: the code less a trailing "-N" (HepB-2 → HepB)
    after_days: int | None = None
    after_months: int | None = None
    oral: bool = False
    live: bool = False
    until_months: int | None = None

    @cached_property
    def vaccine(self) -> str:
        return self.series or re.sub(r"-\d+$", "", self.code)

    def to_json(self) -> dict:
        data = {"code": self.code, "name": self.name, "age_months": self.age_months}
        extra = {"series": self.series, "after_days": self.after_days, "after_months": self.after_months,
                 "oral": self.oral, "live": self.live, "until_months": self.until_months}
        return data | {k: v for k, v in extra.items() if v}

    @classmethod
    def from_json(cls, d: dict) -> "Dose":
        return cls(d["code"], d["name"], int(d["age_months"]), series=d.get("series") or "",
                   after_days=d.get("after_days"), after_months=d.get("after_months"), oral=bool(d.get("oral")),
                   live=bool(d.get("live")), until_months=d.get("until_months"))


@dataclass(frozen=True)
class Cadence:
    kind: str
    times: int | None = None  # per_year
    months: int | None = None  # every_months
    doses: tuple[Dose, ...] = ()  # age_schedule, in age order
    apply_after_months: int | None = None  # document: months of stay before one may apply
    renew_every_months: int | None = None  # document: endorsement interval; None: never
    lead_months: int = 0  # document: planned this many months ahead, to remind the month before

    def to_json(self) -> dict:
        return {"kind": self.kind, "times": self.times, "months": self.months,
                "doses": [d.to_json() for d in self.doses],
                "apply_after_months": self.apply_after_months, "renew_every_months": self.renew_every_months,
                "lead_months": self.lead_months}

    @classmethod
    def from_json(cls, data: dict | None) -> "Cadence":
        data = data or {}
        doses = tuple(Dose.from_json(d) for d in data.get("doses") or ())
        return cls(kind=data.get("kind") or "per_year", times=data.get("times"), months=data.get("months"),
                   doses=doses, apply_after_months=data.get("apply_after_months"),
                   renew_every_months=data.get("renew_every_months"), lead_months=int(data.get("lead_months") or 0))

    def dose(self, code: str) -> Dose | None:
        return next((d for d in self.doses if d.code == code), None)


_DOSE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,23}$")
_AGE = re.compile(r"^(\d{1,3})\s*(m|月|月龄|个月|y|岁|周岁)$", re.IGNORECASE)
BIRTH_WORDS = ("0", "出生", "出生时", "birth")


def parse_dose_age(text: str) -> int:
    """``"0m"``/``"出生"`` → 0, ``"18m"``/``"18月龄"`` → 18, ``"4y"``/``"4岁"`` → 48; raises ValueError."""
    text = text.strip()
    if text.lower() in BIRTH_WORDS:
        return 0
    match = _AGE.match(text)
    if not match:
        raise ValueError(text)
    number = int(match.group(1))
    months = number * 12 if match.group(2).lower() in ("y", "岁", "周岁") else number
    if months > MAX_MONTHS:
        raise ValueError(text)
    return months


def format_dose_age(months: int) -> str:
    """How the admin's schedule text writes an age: ``0m``, ``18m``, ``4y``."""
    return f"{months // 12}y" if months and months % 12 == 0 and months >= 24 else f"{months}m"


_OPTION = re.compile(r"^(oral|live|(series|after|until)=(\S+))$", re.IGNORECASE)


def _dose_options(tokens: list[str]) -> dict:
    """``series=polio after=28d after=6m until=3y oral live`` → Dose fields; raises ValueError."""
    fields: dict = {}
    for token in tokens:
        match = _OPTION.match(token)
        key, value = (match.group(2) or match.group(1)).lower(), match.group(3)
        if key in ("oral", "live"):
            fields[key] = True
        elif key == "series":
            if not _DOSE_CODE.match(value):
                raise ValueError(token)
            fields["series"] = value
        elif key == "after" and value.lower().endswith("d") and value[:-1].isdigit() and 0 < int(value[:-1]) <= 3650:
            fields["after_days"] = int(value[:-1])
        elif key == "after":
            fields["after_months"] = parse_dose_age(value)
        else:
            fields["until_months"] = parse_dose_age(value)
    return fields


def parse_doses(text: str) -> tuple[Dose, ...]:
    """One dose a line: code, name, age, then what catching it up needs (``HepB-2 乙肝疫苗
    第2剂 1m after=28d``; ``after=6m``, ``series=polio``, ``oral``, ``live``, ``until=3y``);
    raises ``RuleError``."""
    doses, seen, problems = [], set(), []
    for number, line in enumerate((text or "").splitlines(), start=1):
        parts = line.replace("，", ",").replace(",", " ").split()
        if not parts:
            continue
        options = []
        while len(parts) > 3 and _OPTION.match(parts[-1]):
            options.insert(0, parts.pop())
        if len(parts) < 3:
            problems.append(number)
            continue
        code, name, age_text = parts[0], " ".join(parts[1:-1]), parts[-1]
        try:
            age, fields = parse_dose_age(age_text), _dose_options(options)
        except ValueError:
            problems.append(number)
            continue
        if not _DOSE_CODE.match(code) or code in seen or len(name) > 60:
            problems.append(number)
            continue
        seen.add(code)
        doses.append(Dose(code, name, age, **fields))
    if problems:
        raise RuleError({"doses": Message(N_("第 %(lines)s 行格式不对：每行写 编码 名称 月龄，如 HepB-1 乙肝疫苗第1剂 0m"),
                                          lines="、".join(str(n) for n in problems[:5]))})
    if not doses:
        raise RuleError({"doses": N_("请至少填写一剂")})
    return tuple(sorted(doses, key=lambda d: (d.age_months, d.code)))


def _options_text(d: Dose) -> str:
    options = [f"series={d.series}" if d.series else "",
               f"after={d.after_days}d" if d.after_days else "",
               f"after={format_dose_age(d.after_months)}" if d.after_months else "",
               f"until={format_dose_age(d.until_months)}" if d.until_months else "",
               "oral" if d.oral else "", "live" if d.live else ""]
    return "".join(f" {o}" for o in options if o)


def doses_text(doses) -> str:
    return "\n".join(f"{d.code} {d.name} {format_dose_age(d.age_months)}{_options_text(d)}" for d in doses)


def parse_cadence(raw: dict) -> Cadence:
    """The cadence part of the admin's form, checked; raises ``RuleError``."""
    errors: dict = {}
    kind = raw.get("kind")
    if kind not in codes(CADENCE_KINDS):
        raise RuleError({"kind": N_("请选择周期类型")})
    if kind == "per_year":
        times = _int(raw.get("times"), "times", errors, 1, 12)
        if times is None and "times" not in errors:
            errors["times"] = N_("请填写每年次数")
        elif times is not None and times not in PER_YEAR_TIMES:
            errors["times"] = N_("每年次数应为 1、2、3、4、6 或 12（一年分成等长的几段）")
        if errors:
            raise RuleError(errors)
        return Cadence("per_year", times=times)
    if kind == "every_months":
        months = _int(raw.get("months"), "months", errors, 1, MAX_MONTHS)
        if months is None and "months" not in errors:
            errors["months"] = N_("请填写间隔月数")
        if errors:
            raise RuleError(errors)
        return Cadence("every_months", months=months)
    if kind == "age_schedule":
        doses = raw.get("doses")
        doses = parse_doses(doses) if isinstance(doses, str) else tuple(doses or ())
        if not doses:
            raise RuleError({"doses": N_("请至少填写一剂")})
        return Cadence("age_schedule", doses=doses)
    after = _int(raw.get("apply_after_months"), "apply_after_months", errors, 0, MAX_MONTHS)
    renew = _int(raw.get("renew_every_months"), "renew_every_months", errors, 1, MAX_MONTHS)
    if after is None and "apply_after_months" not in errors:
        errors["apply_after_months"] = N_("请填写居住满几个月后可以办理")
    if errors:
        raise RuleError(errors)
    # Renewals are reminded in the month before they fall due, so they are planned one month ahead.
    return Cadence("document", apply_after_months=after, renew_every_months=renew, lead_months=1 if renew else 0)


# --------------------------------------------------------------------------- slots and dates

@dataclass(frozen=True)
class Period:
    slot: str
    start: dt.date
    end: dt.date  # the first day after the period


def period(day: dt.date, times: int) -> Period:
    """The part of the year ``day`` falls in, when a service is given ``times`` a year."""
    length = 12 // times
    index = (day.month - 1) // length
    start = dt.date(day.year, index * length + 1, 1)
    return Period(f"{day.year}-{times}x{index + 1}", start, dates.add_months_to_first(start, length))


def month_slot(first: dt.date) -> str:
    return f"{first:%Y-%m}"


def renewal_slot(on: dt.date) -> str:
    return f"renew-{on.isoformat()}"


APPLY_SLOT = "apply"
MAX_MONTHS_AHEAD = 12


def check_plan_month(month: dt.date, today: dt.date) -> None:
    """Planning is for this month or one of the next twelve; raises ``RuleError``."""
    this = dates.first_of_month(today)
    if month < this:
        raise RuleError({"month": N_("不能为已经过去的月份排期")})
    if month > dates.add_months_to_first(this, MAX_MONTHS_AHEAD):
        raise RuleError({"month": N_("最多提前 12 个月排期")})


def invitation_days(month: dt.date, today: dt.date, calendar: WorkCalendar | None = None) -> list[dt.date]:
    """The days a month's invitations are spread over: its working days still ahead, as
    the holiday calendar has them (public holidays off, 调休 weekends on).

    People are invited on one of them by their record number (an even spread, so the
    clinic is not asked to see everyone on the 1st); staff move any date by hand."""
    return (calendar or WorkCalendar()).workdays(month, after=today if today >= month else None)


def slot_label(cadence: Cadence, slot: str) -> str:
    """What an appointment is for, within its type: the dose of a vaccination (data, as
    the admin named it), applying for or renewing a document; empty for check-ups."""
    if cadence.kind == "age_schedule":
        dose = cadence.dose(slot)
        return dose.name if dose else slot
    if cadence.kind == "document":
        return Message(N_("申领")) if slot == APPLY_SLOT else Message(N_("年度签注"))
    return ""


@dataclass(frozen=True)
class Visit:
    """One row of a person's history of a service type."""

    slot: str
    status: str
    due_on: dt.date
    done_on: dt.date | None = None


@dataclass(frozen=True)
class NextDue:
    on: dt.date
    month_only: bool = False  # only the month is known until the month is planned
    label: str = ""  # the dose, for a vaccination
    open: bool = False  # an appointment exists for it

    def overdue(self, today: dt.date) -> bool:
        return self.open and self.on < today


@dataclass(frozen=True)
class DocumentDates:
    issued_on: dt.date | None
    endorsed_on: dt.date | None = None


def next_due(cadence: Cadence, facts: Facts, visits: list[Visit], today: dt.date,
             document: DocumentDates | None = None) -> NextDue | None:
    """When the person is due next for this service, or None when nothing is ahead."""
    open_visits = sorted((v for v in visits if v.status == "planned"), key=lambda v: v.due_on)
    if open_visits:
        first = open_visits[0]
        return NextDue(first.due_on, label=slot_label(cadence, first.slot), open=True)
    this_month = dates.first_of_month(today)
    if cadence.kind == "per_year":
        current = period(today, cadence.times)
        if any(v.slot == current.slot and v.status != "cancelled" for v in visits):
            return NextDue(current.end, month_only=True)
        return NextDue(this_month, month_only=True)
    if cadence.kind == "every_months":
        done = [v.done_on for v in visits if v.status == "done" and v.done_on]
        if not done:
            return NextDue(this_month, month_only=True)
        return NextDue(max(this_month, dates.add_months_to_first(dates.first_of_month(max(done)), cadence.months)),
                       month_only=True)
    if cadence.kind == "age_schedule":
        if not facts.birth_date:
            return None
        # The catch-up rules decide: the first dose allowed, four weeks after the last visit.
        given = {v.slot: v.done_on or v.due_on for v in visits if v.status == "done"}
        closed = set(given) | {v.slot for v in visits if v.status == "missed"}
        state = _DoseState(cadence, facts.birth_date, given, {}, today)
        last = max(given.values(), default=None)
        best = None
        for dose in cadence.doses:
            first = state.earliest(dose, today) if dose.code not in closed else None
            if first is None:
                continue
            day = max(first, last + dt.timedelta(days=VISIT_GAP_DAYS)) if last else first
            if not state.expired(dose, day) and (best is None or day < best[0]):
                best = (day, dose)
        return NextDue(best[0], label=best[1].name) if best else None
    if document and document.issued_on:
        if not cadence.renew_every_months:
            return None
        base = document.endorsed_on or document.issued_on
        return NextDue(dates.anniversary(base, cadence.renew_every_months))
    if any(v.slot == APPLY_SLOT and v.status == "done" for v in visits) or not facts.arrived_on:
        return None
    return NextDue(max(today, dates.anniversary(facts.arrived_on, cadence.apply_after_months or 0)))



# --------------------------------------------------------------------------- doses of a month

VISIT_GAP_DAYS = 28  # a child's visits four weeks apart: the shortest interval within a series
LIVE_GAP_DAYS = 28  # injected live vaccines not given the same day: at least this far apart
MAX_INJECTIONS = 3  # default of the setting: the schedule itself never asks for more on one day


@dataclass(frozen=True)
class PlannedDose:
    code: str
    on: dt.date
    catch_up: bool  # later than its day (its age, on the next working day), or due before the child came


def within_age(rule: Eligibility, birth: dt.date, on: dt.date) -> bool:
    """The rule's age bounds (whole years on ``on``), as ``unmet`` judges them."""
    age = dates.age_on(birth, on)
    return (rule.age_min is None or age >= rule.age_min) and (rule.age_max is None or age <= rule.age_max)


@cache
def _earlier_doses(doses: tuple[Dose, ...]) -> dict[str, list[Dose]]:
    """Each dose's earlier doses of the same vaccine, in order (per schedule, once)."""
    order = sorted(doses, key=lambda d: (d.age_months, d.code))
    return {d.code: [e for e in order[:i] if e.vaccine == d.vaccine] for i, d in enumerate(order)}


class _DoseState:
    """Where a child stands: the day of each dose given or planned ahead."""

    def __init__(self, cadence: Cadence, birth: dt.date, given: dict, planned: dict, today: dt.date):
        self.birth = birth
        self.on = dict(given)  # code → day given, or planned for today or later
        self.on.update({code: day for code, day in planned.items() if day >= today})
        self.visits_ahead = {day for day in planned.values() if day >= today}  # a dose may join one
        self.pending = {code for code, day in planned.items() if day < today}  # overdue: neither given nor to plan
        self.by = {d.code: d for d in cadence.doses}
        self.earlier = _earlier_doses(cadence.doses)
        self.ideal = {d.code: dates.anniversary(birth, d.age_months) for d in cadence.doses}  # its age

    def expired(self, dose: Dose, day: dt.date) -> bool:
        return (dose.until_months is not None and dose.code not in self.on
                and dates.months_between(self.birth, day) >= dose.until_months)

    def earliest(self, dose: Dose, day: dt.date) -> dt.date | None:
        """The first day ``dose`` may be given, judged for a visit on ``day``: its age and the
        interval after the previous dose of its vaccine that still counts (None while that
        one is neither given nor planned)."""
        first = self.ideal[dose.code]
        earlier = self.earlier[dose.code]
        if not earlier:
            return first
        before = earlier[-1]
        if before.until_months is not None or len(earlier) > 1 and any(e.until_months for e in earlier):
            before = next((e for e in reversed(earlier) if not self.expired(e, day)), None)
        if before is not None:
            if before.code not in self.on:
                return None
            if dose.after_months:
                first = max(first, dates.anniversary(self.on[before.code], dose.after_months))
            else:
                first = max(first, self.on[before.code] + dt.timedelta(days=dose.after_days or VISIT_GAP_DAYS))
        return first

    def live_days(self) -> list[dt.date]:
        return [on for code, on in self.on.items() if code in self.by and self.by[code].live]

    def may_give(self, dose: Dose, day: dt.date, max_injections: int) -> bool:
        if self.ideal[dose.code] > day:
            return False  # too young for it
        first = self.earliest(dose, day)
        if first is None or first > day or self.expired(dose, day):
            return False
        if dose.live and any(0 < abs((day - on).days) < LIVE_GAP_DAYS for on in self.live_days()):
            return False
        same_day = [self.by[c] for c, on in self.on.items() if on == day and c in self.by]
        if any(d.vaccine == dose.vaccine for d in same_day):
            return False  # one dose of a vaccine a visit
        return dose.oral or sum(not d.oral for d in same_day) < max_injections


def plan_doses(cadence: Cadence, birth: dt.date, *, given: dict[str, dt.date], planned: dict[str, dt.date],
               today: dt.date, start: dt.date, until: dt.date, invitation: dt.date, next_workday,
               max_injections: int = MAX_INJECTIONS, arrived_on: dt.date | None = None) -> list[PlannedDose]:
    """The doses to plan for one child on days from ``start`` to before ``until`` (the month
    planned, from the first day still ahead).

    ``given`` and ``planned`` map dose codes to the day given and the day planned (planned
    before ``today``: overdue, waiting to be given or moved — the rest of its vaccine waits
    with it). The child's visits are four weeks apart or more, and each gives every dose
    then allowed, in the schedule's order: at most one dose of a vaccine, the shortest
    intervals kept, injected live vaccines the same day or four weeks apart, no more than
    ``max_injections`` injections (oral doses are none). What does not fit waits for the
    next visit, planned when its month is. Doses already late go on the child's
    ``invitation`` day (a working day spread by record number), or on an earlier day when a
    dose falls due then on its own; every new visit is on a working day (``next_workday``)."""
    state = _DoseState(cadence, birth, given, planned, today)
    owed = [d for d in cadence.doses if d.code not in state.on and d.code not in state.pending
            and state.ideal[d.code] < until]  # old enough for it within the month
    out: list[PlannedDose] = []
    for _ in range(len(cadence.doses)):  # each round plans a visit, or stops
        day = _next_visit(state, owed, start, invitation, next_workday, max_injections) if owed else None
        if day is None or day >= until:
            break
        for dose in list(owed):  # in the schedule's order: each takes its place before the next is judged
            if state.may_give(dose, day, max_injections):
                state.on[dose.code] = day
                owed.remove(dose)
                ideal = state.ideal[dose.code]
                late = day > next_workday(ideal) or (arrived_on is not None and arrived_on > ideal)
                out.append(PlannedDose(dose.code, day, late))
        state.visits_ahead.discard(day)  # filled: a later round starts four weeks on
        if day + dt.timedelta(days=VISIT_GAP_DAYS) >= until:
            break
    return out


def _next_visit(state: _DoseState, owed: list[Dose], start: dt.date, invitation: dt.date, next_workday,
                max_injections: int) -> dt.date | None:
    """The child's next visit: a visit already planned ahead that a dose can join; else the
    first working day, four weeks after the last visit, on which a dose falls due on its own
    day, or the child's invitation day (or later) for doses already late."""
    for day in sorted(state.visits_ahead):
        if any(state.may_give(dose, day, max_injections) for dose in owed):
            return day
    last = max(state.on.values(), default=None)
    not_before = max(start, last + dt.timedelta(days=VISIT_GAP_DAYS)) if last else start
    on_time, late = [], []
    for dose in owed:
        first = state.earliest(dose, not_before)
        if first is None:
            continue
        day = next_workday(max(first, not_before))
        if dose.live:  # past the four weeks of a live vaccine given on another day
            for on in sorted(state.live_days()):
                if 0 < abs((day - on).days) < LIVE_GAP_DAYS:
                    day = next_workday(on + dt.timedelta(days=LIVE_GAP_DAYS))
        if not state.expired(dose, day):
            (on_time if next_workday(state.ideal[dose.code]) >= start else late).append(day)
    if late:
        on_time.append(max(min(late), invitation))
    return min(on_time, default=None)
