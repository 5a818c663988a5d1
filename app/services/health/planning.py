"""Planning a month of services for everyone eligible, in a few set-based statements.

For each active service type one ``INSERT … SELECT`` (two for a document type) makes the
appointments its rules call for in the month, for every eligible person at once; the
unique key (person, type, slot) means planning twice never makes a row twice, and a
slot that was cancelled is opened again if the person is eligible again (an upsert).
Eligibility is judged on each appointment's own date, as ``domain.schedules.eligible``
judges one person; ``tests/services/test_planning.py`` holds the two together.

Planning also closes what ended: an appointment of a period that is over without the
service is ``missed``, and planned appointments whose person left or is no longer
eligible (a birthday, a divorce, a declined service, a type switched off) are cancelled.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Callable

from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    null,
    or_,
    select,
    text,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from ...domain import dates, schedules
from ...domain.clock import local_today, utcnow
from ...extensions import db
from ...models import Appointment, Document, Person, Relation, ServiceChoice
from ..admin import settings
from ..admin.calendar import work_calendar
from ..common import audit, bulk, sql_dates
from ..common.context import Actor
from ..common.errors import ValidationFailed
from . import service_types
from .service_types import TypeRules

A = Appointment


@dataclass
class PlanResult:
    month: dt.date
    created: dict[str, int] = field(default_factory=dict)  # by type code: new or opened again
    missed: int = 0
    cancelled: dict[str, int] = field(default_factory=dict)  # by reason

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_cancelled(self) -> int:
        return sum(self.cancelled.values())


# --------------------------------------------------------------------------- eligibility in SQL

def eligibility(rule: schedules.Eligibility, type_id: int, on_ymd, person=Person) -> list:
    """``domain.schedules.unmet`` as SQL conditions on ``person``, judged on the day whose
    ``ymd`` is ``on_ymd`` (a number, or an expression per row). Unknown values fail, as
    NULL comparisons do."""
    conditions = [person.status == "present"]
    if rule.sex:
        conditions.append(person.sex == rule.sex)
    if rule.age_min is not None:
        conditions.append(sql_dates.age_at_least(person.birth_date, on_ymd, rule.age_min))
    if rule.age_max is not None:
        conditions.append(sql_dates.age_at_most(person.birth_date, on_ymd, rule.age_max))
    if rule.marital:
        conditions.append(person.marital_status.in_(rule.marital))
    if rule.household_role == "parent":
        conditions.append(exists().where(Relation.person_id == person.id, Relation.relation == "child"))
    elif rule.household_role == "child":
        conditions.append(exists().where(Relation.relative_id == person.id, Relation.relation == "child"))
    if rule.child_age_max is not None:
        child = aliased(Person)
        conditions.append(exists(select(1).select_from(Relation).join(child, child.id == Relation.relative_id).where(
            Relation.person_id == person.id, Relation.relation == "child",
            sql_dates.age_at_least(child.birth_date, on_ymd, 0),
            sql_dates.age_at_most(child.birth_date, on_ymd, rule.child_age_max))))
    if rule.opt_in:
        conditions.append(_choice(person, type_id, "in"))
    conditions.append(~_choice(person, type_id, "out"))
    return conditions


def _choice(person, type_id: int, choice: str):
    return exists().where(ServiceChoice.person_id == person.id, ServiceChoice.service_type_id == type_id,
                          ServiceChoice.choice == choice)


def _is_true(conditions: list):
    """1 when all hold, else 0 — also when one is unknown (NULL), so NOT is safe."""
    return case((and_(*conditions), 1), else_=0)


# --------------------------------------------------------------------------- the statements

class _Spread:
    """Invitation days of the month (working days of the holiday calendar), picked per
    person by record number."""

    def __init__(self, month: dt.date, today: dt.date, calendar=None):
        self.calendar = calendar or work_calendar()
        self.days = schedules.invitation_days(month, today, self.calendar)

    def day_of(self, key: int) -> dt.date:
        """``due`` for one record number, in Python."""
        return self.days[key % len(self.days)]

    def due(self, key):
        return sql_dates.by_key(key % len(self.days), dict(enumerate(self.days)))

    def ymd(self, key):
        return sql_dates.by_key(key % len(self.days), {i: dates.ymd(d) for i, d in enumerate(self.days)})


def invitation_day(month: dt.date, today: dt.date, key):
    """The invitation day of ``month`` for the record number ``key`` (an SQL expression)."""
    return _Spread(month, today).due(key)


COLUMNS = ("person_id", "service_type_id", "slot", "due_on", "window_end", "catch_up", "status", "no_shows",
           "planned_at", "version")


def _row(t: TypeRules, person_id, slot, due, window_end, catch_up, now: dt.datetime) -> list:
    # No CAST of the date: SQLite would turn '2026-12-05' into the number 2026.
    return [person_id, literal(t.id, Integer), slot, due,
            literal(window_end, Date) if window_end else null(), catch_up, literal("planned", String),
            literal(0, Integer), literal(now), literal(1, Integer)]


def _free(t: TypeRules, person_id, slot):
    """No live appointment holds this slot (a cancelled one may be opened again)."""
    return ~exists().where(A.person_id == person_id, A.service_type_id == t.id, A.slot == slot,
                           A.status != "cancelled")


@dataclass
class _Context:
    month: dt.date
    today: dt.date
    now: dt.datetime
    spread: _Spread
    scope: list  # conditions on Person: grids or persons to plan for

    @property
    def next_month(self) -> dt.date:
        return dates.add_months_to_first(self.month, 1)


def _per_year(t: TypeRules, c: _Context):
    part = schedules.period(c.month, t.cadence.times)
    slot = literal(part.slot, String)
    due, on = c.spread.due(Person.id), c.spread.ymd(Person.id)
    row = _row(t, Person.id, slot, due, part.end - dt.timedelta(days=1), literal(False, Boolean), c.now)
    return [select(*row).where(*eligibility(t.eligibility, t.id, on), *c.scope, _free(t, Person.id, slot))]


def _every_months(t: TypeRules, c: _Context):
    slot = literal(schedules.month_slot(c.month), String)
    due, on = c.spread.due(Person.id), c.spread.ymd(Person.id)
    # Done in the last N-1 months (or this one): not due yet. One open appointment at a time.
    recent = dates.add_months_to_first(c.month, -(t.cadence.months - 1))
    recently_done = exists().where(A.person_id == Person.id, A.service_type_id == t.id, A.status == "done",
                                   A.done_on >= recent)
    still_open = exists().where(A.person_id == Person.id, A.service_type_id == t.id, A.status == "planned")
    row = _row(t, Person.id, slot, due, None, literal(False, Boolean), c.now)
    return [select(*row).where(*eligibility(t.eligibility, t.id, on), *c.scope, ~recently_done, ~still_open,
                               _free(t, Person.id, slot))]


def _by_ideal_date(c: _Context, ideal, key, arrived=None):
    """Due on its ideal date if that is in the month (and after arrival); otherwise a
    catch-up, on the person's invitation day of the month."""
    late = ideal < sql_dates.const(c.month)
    if arrived is not None:
        late = or_(late, and_(arrived.is_not(None), arrived > ideal))
    due = case((late, c.spread.due(key)), else_=ideal)
    on = case((late, c.spread.ymd(key)), else_=sql_dates.ymd(ideal))
    return late, due, on


PERSON_COLUMNS = ("id", "status", "sex", "birth_date", "marital_status", "arrived_on", "grid_id")


def _with_ideal(stmt, ideal, name: str, *extra):
    """``stmt`` (from person) as a derived table with the ideal date of each row computed
    once. The date expressions are long; PostgreSQL would copy them into every place the
    outer query uses them, and ``OFFSET 0`` is what keeps it from inlining the subquery."""
    columns = [getattr(Person, c) for c in PERSON_COLUMNS]
    return stmt.with_only_columns(*columns, *extra, ideal.label("ideal")).offset(0).subquery(name)


def _owing_children(t: TypeRules, c: _Context):
    """The children owed a dose by the end of the month (born before the 1st of that many
    months earlier, the slot free) who meet the type's rules other than age — age is judged
    on each visit's day: (id, birth date, arrival)."""
    no_limit = dt.date(1900, 1, 1)
    doses = union_all(*[select(literal(d.code, String).label("code"),
                               literal(dates.add_months_to_first(c.next_month, -d.age_months), Date).label("born_before"),
                               literal(dates.add_months_to_first(c.month, -d.until_months) if d.until_months
                                       else no_limit, Date).label("born_from"))  # not caught up when older
                        for d in t.cadence.doses]).subquery("dose")
    owing = exists(select(1).select_from(doses).where(
        Person.birth_date < doses.c.born_before, Person.birth_date >= doses.c.born_from,
        _free(t, Person.id, doses.c.code)))
    ageless = replace(t.eligibility, age_min=None, age_max=None)
    stmt = select(Person.id, Person.birth_date, Person.arrived_on).where(
        Person.birth_date.is_not(None), owing, *c.scope,
        *eligibility(ageless, t.id, dates.ymd(c.month)))
    if t.eligibility.age_max is not None:  # lets the database skip adults early
        stmt = stmt.where(Person.birth_date >= dt.date(c.month.year - t.eligibility.age_max - 2, 1, 1))
    return stmt


def _age_schedule(t: TypeRules, c: _Context) -> int:
    """A month of doses, child by child (``domain.schedules.plan_doses``: catch-ups at most
    one dose of a vaccine a visit, the shortest intervals, the injections a visit allows,
    visits four weeks apart). Only the children owed something are read, with their
    history of this type in one query; the rows go in with one multi-row upsert."""
    children = db.session.execute(_owing_children(t, c)).all()
    if not children:
        return 0
    ids = _owing_children(t, c).with_only_columns(Person.id)
    history: dict[int, tuple[dict, dict]] = {}
    for person_id, slot, status, due_on, done_on in db.session.execute(
            select(A.person_id, A.slot, A.status, A.due_on, A.done_on).where(
                A.service_type_id == t.id, A.status.in_(("planned", "done")), A.person_id.in_(ids))):
        given, planned = history.setdefault(person_id, ({}, {}))
        (given if status == "done" else planned)[slot] = done_on or due_on
    max_injections = int(settings.get("immunisation.max_injections"))
    rows = []  # (person, dose, day, catch-up)
    for person_id, birth, arrived_on in children:
        given, planned = history.get(person_id, ({}, {}))
        for dose in schedules.plan_doses(
                t.cadence, birth, given=given, planned=planned, today=c.today, start=c.spread.days[0],
                until=c.next_month, invitation=c.spread.day_of(person_id), next_workday=c.spread.calendar.next_workday,
                max_injections=max_injections, arrived_on=arrived_on):
            if schedules.within_age(t.eligibility, birth, dose.on):
                rows.append((person_id, dose.code, dose.on, dose.catch_up))
    for chunk in range(0, len(rows), UPSERT_CHUNK):
        _insert_doses(t, c, rows[chunk:chunk + UPSERT_CHUNK])
    return len(rows)


def _insert_doses(t: TypeRules, c: _Context, rows: list[tuple]) -> None:
    """Upsert the planned doses: on PostgreSQL one statement a chunk, the columns passed as
    four arrays (``unnest``); elsewhere (SQLite) one cached statement, executed per row."""
    if db.session.get_bind().dialect.name == "postgresql":
        columns = list(zip(*rows))
        given = func.unnest(*(bindparam(f"doses_{name}", list(values), type_=postgresql.ARRAY(kind))
                              for name, values, kind in zip(("person", "slot", "day", "late"), columns,
                                                            (Integer, String, Date, Boolean))))
        dose = given.table_valued("person_id", "slot", "due_on", "catch_up").render_derived("dose")
        db.session.execute(_upsert(select(*_row(t, dose.c.person_id, dose.c.slot, dose.c.due_on, None,
                                                 dose.c.catch_up, c.now))))
        return
    db.session.execute(_upsert_rows(), [
        {"person_id": p, "service_type_id": t.id, "slot": slot, "due_on": day, "window_end": None, "catch_up": late,
         "status": "planned", "no_shows": 0, "planned_at": c.now, "version": 1} for p, slot, day, late in rows])


def _document(t: TypeRules, c: _Context):
    horizon = sql_dates.const(dates.add_months_to_first(c.month, 1 + t.cadence.lead_months))
    apply_slot = literal(schedules.APPLY_SLOT, String)
    held = exists().where(Document.person_id == Person.id, Document.service_type_id == t.id)
    arrivals = _with_ideal(select(Person).where(Person.arrived_on.is_not(None), Person.status == "present", ~held,
                                                _free(t, Person.id, apply_slot), *c.scope),
                           sql_dates.anniversary(Person.arrived_on, t.cadence.apply_after_months or 0), "apply_due")
    p = arrivals.c
    late, due, on = _by_ideal_date(c, p.ideal, p.id)
    statements = [select(*_row(t, p.id, apply_slot, due, None, late, c.now)).where(
        p.ideal < horizon, *eligibility(t.eligibility, t.id, on, person=p))]
    if t.cadence.renew_every_months:
        base = case((Document.endorsed_on.is_not(None), Document.endorsed_on), else_=Document.issued_on)
        holders = _with_ideal(select(Person).join(Document, Document.person_id == Person.id).where(
            Document.service_type_id == t.id, Person.status == "present", *c.scope),
            sql_dates.anniversary(base, t.cadence.renew_every_months), "renew_due")
        p = holders.c
        slot = literal("renew-", String) + cast(p.ideal, String)
        late, due, on = _by_ideal_date(c, p.ideal, p.id)
        statements.append(select(*_row(t, p.id, slot, due, None, late, c.now)).where(
            p.ideal < horizon, *eligibility(t.eligibility, t.id, on, person=p), _free(t, p.id, slot)))
    return statements


_STATEMENTS = {"per_year": _per_year, "every_months": _every_months, "document": _document}


UPSERT_CHUNK = 10_000


def _upsert(select_stmt):
    """INSERT … SELECT; a cancelled appointment in the same slot is opened again instead."""
    return _reopening(_insert().from_select(list(COLUMNS), select_stmt))


def _upsert_rows():
    """The same for rows given as parameters (executed with a list of dicts of ``COLUMNS``)."""
    return _reopening(_insert())


def _insert():
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Appointment.__table__)


def _reopening(stmt):
    table = Appointment.__table__
    excluded = stmt.excluded
    return stmt.on_conflict_do_update(
        index_elements=["person_id", "service_type_id", "slot"],
        set_={"status": "planned", "due_on": excluded.due_on, "window_end": excluded.window_end,
              "catch_up": excluded.catch_up, "cancel_reason": None, "notice_id": None,
              "planned_at": excluded.planned_at, "updated_at": excluded.planned_at,
              "version": table.c.version + 1},
        where=table.c.status == "cancelled").execution_options(preserve_rowcount=True)


# --------------------------------------------------------------------------- closing and cancelling

def appointment_scope(grid_ids, person_ids) -> list:
    if person_ids is not None:
        return [A.person_id.in_(person_ids)]
    if grid_ids is not None:
        return [A.person_id.in_(select(Person.id).where(Person.grid_id.in_(grid_ids)))]
    return []


def _set(ids, **values) -> int:
    """UPDATE the appointments ``ids`` selects. Not correlated with the UPDATE's own table:
    the ids are found once (a join), not looked up again for every row."""
    values.setdefault("updated_at", utcnow())
    result = db.session.execute(update(A).where(A.id.in_(ids.correlate(None))).values(
        **values, version=A.version + 1).execution_options(synchronize_session=False))
    return result.rowcount


def close_ended_periods(today: dt.date, scope: list) -> int:
    """Planned appointments of a period that is over: ``missed`` (the next period has its own)."""
    ids = select(A.id).where(A.status == "planned", A.window_end.is_not(None), A.window_end < today, *scope)
    return _set(ids, status="missed")


CHANGED_AS_LIST = 50_000


def _changed_since_planned(today: dt.date, scope: list) -> list:
    """Conditions keeping the appointments whose person's record changed after the
    appointment was planned. A plan is right when it is made (eligibility is judged on the
    appointment's own day, which time passing does not change), so only a later change can
    make it wrong: a marriage, a corrected birth date, a departure entered by an import.
    The people changed since the oldest plan still ahead are found first (one scan of
    ``person``), and only their appointments are checked again. "Changed" is
    ``person.updated_at``, which the model sets on every update; code that writes people
    in bulk must set it too (as ``demo`` and the people service do)."""
    since = db.session.scalar(select(func.min(A.planned_at)).where(A.status == "planned", A.due_on >= today, *scope))
    if since is None:
        return [false()]
    changed = select(Person.id).where(Person.updated_at >= since)
    if db.session.scalar(select(func.count()).select_from(changed.subquery())) <= CHANGED_AS_LIST:
        changed = list(db.session.scalars(changed))  # a list the planner can count, not a guess
    return [A.person_id.in_(changed), Person.updated_at > A.planned_at]


def cancel_ineligible(today: dt.date, rules: list[TypeRules], scope: list, *, due_until: dt.date | None = None,
                      changed_only: bool = False) -> dict[str, int]:
    """Cancel planned appointments that no longer apply: all of those of people who left,
    and those still ahead (due from ``today``, up to ``due_until`` if given) whose person
    declined or no longer meets the rules on that day, or whose type was switched off.
    ``changed_only``: look again only at people whose record changed since (see above)."""
    counts: dict[str, int] = {}
    ahead = [A.status == "planned", A.due_on >= today, *scope]
    if due_until is not None:
        ahead.append(A.due_on <= due_until)
    changed = _changed_since_planned(today, scope) if changed_only else []
    left = select(A.id).join(Person, Person.id == A.person_id).where(
        A.status == "planned", Person.status != "present", *scope, *changed)
    counts["departed"] = _set(left, status="cancelled", cancel_reason="departed")
    active_ids = [t.id for t in rules if t.active]
    off = select(A.id).where(*ahead, A.service_type_id.not_in(active_ids) if active_ids else true())
    counts["type_inactive"] = _set(off, status="cancelled", cancel_reason="type_inactive")
    declined = select(A.id).where(*ahead, exists().where(
        ServiceChoice.person_id == A.person_id, ServiceChoice.service_type_id == A.service_type_id,
        ServiceChoice.choice == "out"))
    counts["declined"] = _set(declined, status="cancelled", cancel_reason="declined")
    counts["not_eligible"] = 0
    for t in rules:
        if not t.active:
            continue
        on = sql_dates.ymd(A.due_on)
        ineligible = select(A.id).join(Person, Person.id == A.person_id).where(
            *ahead, *changed, A.service_type_id == t.id, _is_true(eligibility(t.eligibility, t.id, on)) == 0)
        counts["not_eligible"] += _set(ineligible, status="cancelled", cancel_reason="not_eligible")
    return {k: v for k, v in counts.items() if v}


def recheck_type(t: TypeRules, today: dt.date | None = None) -> dict[str, int]:
    """After the admin changed a type's rules: cancel its appointments ahead that the new
    rules no longer call for (not committed)."""
    return cancel_ineligible(today or local_today(), [t], [A.service_type_id == t.id])


def cancel_for_departure(person_ids: list[int]) -> int:
    """Departures cancel the people's open appointments (in the caller's transaction)."""
    ids = select(A.id).where(bulk.any_of(A.person_id, person_ids), A.status == "planned")
    return _set(ids, status="cancelled", cancel_reason="departed")


# --------------------------------------------------------------------------- planning

BIG_WRITE = 10_000


# The tables the planner's statements read that planning (or the demo) fills in bulk.
PLANNING_TABLES = ("appointment", "service_choice", "document")


def fresh_statistics(tables: tuple[str, ...] = PLANNING_TABLES) -> None:
    """PostgreSQL plans each statement from its table statistics. Right after a large
    write they still describe the table as it was — empty, say — and an anti-join planned
    on that reads the whole table again for every person (a second run of a month took
    minutes instead of seconds). ANALYZE samples some 30,000 rows a table: a fraction of
    a second. (Names come from this module, never from input.)"""
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        for table in tables:
            name = db.metadata.tables[table].name  # a KeyError for anything but a table of the app
            db.session.execute(text("ANALYZE " + bind.dialect.identifier_preparer.quote(name)))


def plan_month(actor: Actor, month: dt.date, *, today: dt.date | None = None, grid_ids: list[int] | None = None,
               person_ids: list[int] | None = None, progress: Callable[[str], None] | None = None,
               check_month: bool = True, commit: bool = True) -> PlanResult:
    """Plan ``month`` for everyone eligible (in ``grid_ids`` or ``person_ids`` if given).

    Safe to run again at any time: new arrivals and people who became eligible get
    their appointments, nobody gets one twice. ``today`` is when planning happens (it
    decides which working days are still ahead); the command line and the button use
    the real date, the demo data an earlier one.
    """
    today = today or local_today()
    if check_month:
        try:
            schedules.check_plan_month(month, today)
        except schedules.RuleError as exc:
            raise ValidationFailed(exc.errors) from None
    rules = [service_types.rules_of(t) for t in service_types.all_types()]
    scope = ([Person.id.in_(person_ids)] if person_ids is not None
             else [Person.grid_id.in_(grid_ids)] if grid_ids is not None else [])
    limited = appointment_scope(grid_ids, person_ids)
    result = PlanResult(month)
    if person_ids is None:
        fresh_statistics()
    result.missed = close_ended_periods(today, limited)
    result.cancelled = cancel_ineligible(today, rules, limited, changed_only=person_ids is None)
    context = _Context(month, today, utcnow(), _Spread(month, today), scope)
    for t in rules:
        if not t.active:
            continue
        created = 0
        if t.cadence.kind == "age_schedule":
            created = _age_schedule(t, context)
        for statement in _STATEMENTS.get(t.cadence.kind, lambda *_: [])(t, context):
            written = db.session.execute(_upsert(statement)).rowcount
            if written > BIG_WRITE:
                fresh_statistics(("appointment",))
            created += written
        result.created[t.code] = created
        if progress:
            progress(t.code)
    if person_ids is None:
        audit.record(actor, "services.plan", "service_type", None, None, {
            "month": month.isoformat(), "grid_ids": grid_ids, "created": result.created, "missed": result.missed,
            "cancelled": result.cancelled})
    if commit:
        db.session.commit()
    return result


def refresh_person(actor: Actor, person_id: int, today: dt.date | None = None, *, commit: bool = True) -> PlanResult:
    """After a change to one person (registered, married, opted in or out): cancel what no
    longer applies and plan this month for them, as the monthly run would. Audited only
    when something changed."""
    today = today or local_today()
    result = plan_month(actor, dates.first_of_month(today), today=today, person_ids=[person_id], commit=False)
    if result.total_created or result.total_cancelled or result.missed:
        audit.record(actor, "services.refresh", "person", person_id, None, {
            "created": {k: v for k, v in result.created.items() if v}, "cancelled": result.cancelled})
    if commit:
        db.session.commit()
    return result
