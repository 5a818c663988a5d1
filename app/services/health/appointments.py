"""Appointments: the work lists (due, overdue, a day), recording what happened, and what
each audience may see of a person's services.

Health results (outcome, note, where it was given) are for health workers, supervisors
and the admin only. ``person_services(..., with_results=False)`` — what coordinators
get — leaves them out of the data altogether, not just out of the template.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from ...domain import dates, schedules
from ...domain.clock import local_today, utcnow
from ...domain.months import Month
from ...domain.text import N_
from ...extensions import db
from ...models import Appointment, Area, Document, Person, Relation, ServiceType, User
from .. import scope
from ..common import audit
from ..common.context import Actor
from ..common.errors import ValidationFailed
from ..common.locking import check_version, commit_or_stale
from ..figures import store as figure_store
from ..figures.measures import service_measures
from ..common import paging
from ..common.paging import Cursor, Page, Seek
from . import preferences, service_types

A = Appointment
VIEWS = ("week", "overdue", "day")


# --------------------------------------------------------------------------- due and overdue

def due_condition(start: dt.date, end: dt.date):
    """Planned for a day from ``start`` to ``end`` (inclusive): what is due then."""
    return and_(A.status == "planned", A.due_on >= start, A.due_on <= end)


def overdue_condition(today: dt.date):
    """Planned for a day before ``today`` and not done: overdue."""
    return and_(A.status == "planned", A.due_on < today)


def in_scope(user: User):
    """Appointments of the people ``user`` may see (joined to ``Person``)."""
    stmt = select(A).join(Person, Person.id == A.person_id).join(ServiceType, ServiceType.id == A.service_type_id)
    condition = scope.grid_filter(user, Person.grid_id)
    return stmt if condition is None else stmt.where(condition)


@dataclass
class VisitRow:
    """One line of a work list: a person's appointments of one type on one day (a child's
    doses of one visit are one line)."""

    appointments: list[Appointment]
    parent_phone: str | None = None  # a child's: a parent's phone

    @property
    def phone(self) -> str | None:
        return self.first.person.phone or self.parent_phone

    @property
    def first(self) -> Appointment:
        return self.appointments[0]

    @property
    def labels(self) -> list:
        return [a.slot_label for a in self.appointments if a.slot_label]

    @property
    def ids(self) -> list[int]:
        return [a.id for a in self.appointments]


def _list_conditions(view: str, today: dt.date, day: dt.date | None, grid_id: int | None,
                     type_id: int | None) -> list:
    conditions = [ServiceType.active.is_(True)]
    if view == "overdue":
        conditions.append(overdue_condition(today))
    elif view == "day":
        conditions += [A.due_on == (day or today), A.status.in_(("planned", "done"))]
    else:
        conditions.append(due_condition(*dates.week_bounds(today)))
    if grid_id:
        conditions.append(Person.grid_id == grid_id)
    if type_id:
        conditions.append(A.service_type_id == type_id)
    return conditions


def _visit_keys(user: User, conditions: list):
    """One row per visit (person, type, day), in the work list's order."""
    return in_scope(user).where(*conditions).with_only_columns(
        A.person_id, A.service_type_id, A.due_on, Person.name, func.min(A.id).label("id")).group_by(
        A.person_id, A.service_type_id, A.due_on, Person.name)


_VISIT_ORDER = (A.due_on, Person.name, A.person_id, A.service_type_id)


def work_list(user: User, view: str, *, today: dt.date | None = None, day: dt.date | None = None,
              grid_id: int | None = None, type_id: int | None = None, cursor: Cursor = Cursor(),
              per_page: int = 20) -> Page:
    """``week``: planned for this week (Monday to Sunday); ``overdue``: planned before
    today, not done; ``day``: everything on ``day``. Filtered by grid and type; a page
    of ``VisitRow``s in date and name order."""
    conditions = _list_conditions(view, today or local_today(), day, grid_id, type_id)
    visits = _visit_keys(user, conditions)
    total = paging.total(visits, cursor)
    seek = Seek.of(cursor, _VISIT_ORDER, per_page, lambda i: db.session.execute(
        select(*_VISIT_ORDER).join(Person, Person.id == A.person_id).where(A.id == i)).first())
    return seek.run(visits, total, scalars=False).mapped_all(lambda keys: _visit_rows(user, conditions, keys))


def whole_work_list(user: User, view: str, *, today: dt.date | None = None, day: dt.date | None = None,
                    grid_id: int | None = None, type_id: int | None = None,
                    chunk: int = 500) -> Iterator[VisitRow]:
    """Every line of ``work_list`` (all its pages, same order), read ``chunk`` visits at a
    time so that a long list costs no more memory than a short one."""
    conditions = _list_conditions(view, today or local_today(), day, grid_id, type_id)
    keys = db.session.execute(_visit_keys(user, conditions).order_by(*_VISIT_ORDER)
                              .execution_options(yield_per=chunk))
    for part in keys.partitions():
        yield from _visit_rows(user, conditions, part)


def _visit_rows(user: User, conditions: list, keys) -> list[VisitRow]:
    """The ``VisitRow``s of ``keys`` (rows of ``_visit_keys``), in their order."""
    if not keys:
        return []
    rows = db.session.scalars(
        in_scope(user).where(*conditions, A.person_id.in_({k.person_id for k in keys}),
                             A.due_on.in_({k.due_on for k in keys}))
        .options(joinedload(A.person).joinedload(Person.dwelling),
                 joinedload(A.person).joinedload(Person.grid).joinedload(Area.parent),
                 joinedload(A.service_type)).order_by(A.id)).all()
    grouped: dict[tuple, list[Appointment]] = {}
    for a in rows:
        grouped.setdefault((a.person_id, a.service_type_id, a.due_on), []).append(a)
    phones = _parent_phones({a.person_id for a in rows if not a.person.phone})
    return [VisitRow(grouped[(k.person_id, k.service_type_id, k.due_on)], phones.get(k.person_id)) for k in keys
            if (k.person_id, k.service_type_id, k.due_on) in grouped]


def _parent_phones(child_ids: set[int]) -> dict[int, str]:
    """child → a parent's phone, for the children among ``child_ids`` (one query)."""
    if not child_ids:
        return {}
    rows = db.session.execute(select(Relation.relative_id, Person.phone).join(Person, Person.id == Relation.person_id)
                              .where(Relation.relative_id.in_(child_ids), Relation.relation == "child",
                                     Person.phone.is_not(None)).order_by(Relation.person_id)).all()
    phones: dict[int, str] = {}
    for child_id, phone in rows:
        phones.setdefault(child_id, phone)
    return phones


@dataclass
class TypeCounts:
    type: ServiceType
    this_week: int
    overdue: int
    done_this_month: int


def summary(user: User, today: dt.date | None = None) -> list[TypeCounts]:
    """For each active type: due this week, overdue, done this month (in the user's scope)."""
    today = today or local_today()
    monday, sunday = dates.week_bounds(today)
    first, nxt = dates.first_of_month(today), dates.add_months_to_first(dates.first_of_month(today), 1)

    def any_of(condition):  # the visit has an appointment that meets it
        return func.max(case((condition, 1), else_=0))

    # Counted in visits (人次: a person's appointments of one type on one day), as the lists are.
    visits = in_scope(user).with_only_columns(
        A.service_type_id.label("type_id"), any_of(due_condition(monday, sunday)).label("week"),
        any_of(overdue_condition(today)).label("overdue"),
        any_of(and_(A.status == "done", A.done_on >= first, A.done_on < nxt)).label("done")).where(
        A.status.in_(("planned", "done"))).group_by(A.service_type_id, A.person_id, A.due_on).subquery()
    stmt = select(visits.c.type_id, func.sum(visits.c.week), func.sum(visits.c.overdue),
                  func.sum(visits.c.done)).group_by(visits.c.type_id)
    rows = {r[0]: tuple(int(n or 0) for n in r[1:]) for r in db.session.execute(stmt)}
    return [TypeCounts(t, *rows.get(t.id, (0, 0, 0))) for t in service_types.all_types() if t.active]


def overdue_by_grid(user: User, today: dt.date | None = None) -> list[tuple[Area, int]]:
    today = today or local_today()
    visits = in_scope(user).with_only_columns(Person.grid_id.label("grid_id")).where(
        overdue_condition(today), ServiceType.active.is_(True)).group_by(
        Person.grid_id, A.person_id, A.service_type_id, A.due_on).subquery()
    counts = dict(db.session.execute(select(visits.c.grid_id, func.count()).group_by(visits.c.grid_id)).all())
    return [(g, counts.get(g.id, 0)) for g in scope.grids(user)]


def get(user: User, appointment_id: int) -> Appointment:
    return scope.first_or_not_found(in_scope(user).where(A.id == appointment_id), appointment_id, "appointment")


def visit_of(a: Appointment) -> list[Appointment]:
    """The appointments of the same person, type and day as ``a`` (a child's doses of one
    visit), not cancelled ones: they are recorded, moved and printed together."""
    return list(db.session.scalars(select(A).where(
        A.person_id == a.person_id, A.service_type_id == a.service_type_id, A.due_on == a.due_on,
        A.status != "cancelled").order_by(A.id)))


# --------------------------------------------------------------------------- recording

RESULT_FIELDS = ["status", "done_on", "place", "outcome", "note", "due_on", "no_shows"]


def _with_visit(a: Appointment, with_ids, statuses=("planned",)) -> list[Appointment]:
    """``a`` and those of ``with_ids`` that belong to the same visit (person, type, day) and
    are in one of ``statuses``; others are ignored, not acted on."""
    ids = {i for i in (with_ids or ()) if isinstance(i, int) and i != a.id}
    others = db.session.scalars(select(A).where(
        A.id.in_(ids), A.person_id == a.person_id, A.service_type_id == a.service_type_id, A.due_on == a.due_on,
        A.status.in_(statuses)).order_by(A.id)).all() if ids else []
    return [a, *others]


def _write(actor: Actor, action: str, rows: list[Appointment], change) -> None:
    """Apply ``change`` to every appointment of ``rows``, each audited. A change to a closed
    month (a result recorded late, a date moved out of it) marks that month's stored figures
    of the service out of date, so that they are counted again."""
    for row in rows:
        before = audit.snapshot(row, RESULT_FIELDS)
        was_due = row.due_on
        change(row)
        row.updated_at, row.recorded_by_id = utcnow(), actor.user_id
        db.session.flush()
        audit.record(actor, action, "appointment", row.id, before, audit.snapshot(row, RESULT_FIELDS))
        counts = service_measures(row.service_type_id)
        figure_store.mark_stale(row.person.grid_id, (was_due, row.due_on), [counts.due.key, counts.done.key],
                                Month.from_date(local_today()))


def record_result(actor: Actor, user: User, appointment_id: int, version: int | None, *, done_on: dt.date,
                  outcome: str, place: str | None = None, note: str | None = None,
                  document_number: str | None = None, with_ids=()) -> Appointment:
    """The service was given: on ``done_on``, where, with what outcome (and the other doses
    of the visit in ``with_ids`` with it). For a document, this is the permit issued (its
    number) or endorsed, which moves the next date."""
    a = get(user, appointment_id)
    check_version(a, version)
    if a.status == "cancelled":
        raise ValidationFailed({"done_on": N_("已取消的预约不能登记结果，请先改期")})
    errors = {}
    if done_on is None or done_on > local_today():
        errors["done_on"] = N_("日期不能在未来")
    elif a.person.birth_date and done_on < a.person.birth_date:
        errors["done_on"] = N_("日期早于出生日期")
    if outcome not in dict(schedules.OUTCOMES[a.service_type.category]):
        errors["outcome"] = N_("请选择结果")
    number = (document_number or "").strip()[:40]
    if a.service_type.category == "document" and a.slot == schedules.APPLY_SLOT and not number:
        errors["document_number"] = N_("请填写证件号码")
    if errors:
        raise ValidationFailed(errors)

    def done(row: Appointment) -> None:
        row.status, row.done_on, row.outcome = "done", done_on, outcome
        row.place = (place or "").strip()[:200] or row.place
        row.note = (note or "").strip()[:500] or None

    _write(actor, "appointment.result", _with_visit(a, with_ids, ("planned", "missed")), done)
    if a.service_type.category == "document":
        _record_document(actor, a, done_on, number)
    commit_or_stale(a)
    return a


def _record_document(actor: Actor, a: Appointment, on: dt.date, number: str) -> None:
    doc = db.session.scalars(select(Document).where(Document.person_id == a.person_id,
                                                    Document.service_type_id == a.service_type_id)).first()
    if a.slot == schedules.APPLY_SLOT:
        if doc is None:
            doc = Document(person_id=a.person_id, service_type_id=a.service_type_id)
            db.session.add(doc)
        doc.number, doc.issued_on, doc.endorsed_on = number, on, None
    elif doc is None:
        raise ValidationFailed({"done_on": N_("没有此人的证件记录，不能登记签注")})
    else:
        doc.endorsed_on = on
    doc.recorded_by_id = actor.user_id
    db.session.flush()
    audit.record(actor, "document.record", "person", a.person_id, None,
                 {"type_id": a.service_type_id, "number": doc.number, "issued_on": doc.issued_on,
                  "endorsed_on": doc.endorsed_on})


def record_no_show(actor: Actor, user: User, appointment_id: int, version: int | None,
                   on: dt.date | None = None, with_ids=()) -> Appointment:
    """The person did not come. The appointment stays open (overdue once its day is past)
    until it is done or given a new date."""
    a = get(user, appointment_id)
    check_version(a, version)
    if a.status != "planned":
        raise ValidationFailed({"on": N_("只有待完成的预约可以登记未到")})

    def missed(row: Appointment) -> None:
        row.no_shows, row.last_no_show_on = (row.no_shows or 0) + 1, on or local_today()

    _write(actor, "appointment.no_show", _with_visit(a, with_ids), missed)
    commit_or_stale(a)
    return a


def reschedule(actor: Actor, user: User, appointment_id: int, version: int | None, new_date: dt.date,
               place: str | None = None, with_ids=()) -> Appointment:
    """A new date (and place); a missed appointment is opened again. Its old notice no
    longer holds (print a new one) and the new date gets its own reminder."""
    a = get(user, appointment_id)
    check_version(a, version)
    today = local_today()
    if a.status not in ("planned", "missed"):
        raise ValidationFailed({"new_date": N_("已完成或已取消的预约不能改期")})
    if new_date is None or new_date < today:
        raise ValidationFailed({"new_date": N_("新日期不能早于今天")})
    if new_date > today + dt.timedelta(days=366):
        raise ValidationFailed({"new_date": N_("新日期最多在一年以内")})
    rows = _with_visit(a, with_ids, ("planned", "missed"))

    def moved(row: Appointment) -> None:
        row.status, row.due_on, row.cancel_reason, row.notice_id = "planned", new_date, None, None
        if row.window_end and new_date > row.window_end:
            row.window_end = None  # given later than its period: it stays open until done
        if place and place.strip():
            row.place = place.strip()[:200]

    _write(actor, "appointment.reschedule", rows, moved)
    commit_or_stale(a)
    return a


# --------------------------------------------------------------------------- what people see

def place_of(appointment_place: str | None, type_place: str | None, station_address: str | None) -> str:
    return appointment_place or type_place or station_address or ""


def contact(person: Person) -> tuple[str | None, Person | None]:
    """A phone to call about ``person``: their own, or for a child a parent's (and whose)."""
    if person.phone:
        return person.phone, None
    parent = db.session.scalars(select(Person).join(Relation, Relation.person_id == Person.id).where(
        Relation.relative_id == person.id, Relation.relation == "child", Person.phone.is_not(None))
        .order_by(Person.id).limit(1)).first()
    return (parent.phone, parent) if parent else (None, None)


def station_of(grid: Area | None) -> Area | None:
    """The township (the service station) above a grid."""
    node = grid
    while node is not None and node.level != "township":
        node = node.parent
    return node


@dataclass
class Visit:
    """One appointment as a page shows it; the result fields only for health staff."""

    id: int
    slot_label: str
    due_on: dt.date
    status: str
    catch_up: bool
    overdue: bool
    no_shows: int = 0
    done_on: dt.date | None = None
    place: str | None = None
    outcome: str | None = None
    note: str | None = None
    version: int = 1
    notice_id: int | None = None


@dataclass
class ServiceLine:
    type: ServiceType
    cadence: schedules.Cadence
    visits: list[Visit]
    next: schedules.NextDue | None
    unmet: list[str]
    choice: str | None
    document: Document | None = None
    open_count: int = 0
    overdue_count: int = 0

    @property
    def applies(self) -> bool:
        return not self.unmet or bool(self.visits)


def _visit(a: Appointment, cadence: schedules.Cadence, today: dt.date, with_results: bool) -> Visit:
    label = schedules.slot_label(cadence, a.slot)
    visit = Visit(a.id, label, a.due_on, a.status, a.catch_up, a.status == "planned" and a.due_on < today,
                  a.no_shows or 0, a.done_on, version=a.version, notice_id=a.notice_id)
    if with_results:
        visit.place, visit.outcome, visit.note = a.place, a.outcome, a.note
    return visit


def person_services(person: Person, *, with_results: bool, today: dt.date | None = None,
                    include_inactive: bool = False) -> list[ServiceLine]:
    """Each service type with the person's appointments, next due date and why it does
    not apply (if it does not)."""
    today = today or local_today()
    types = [t for t in service_types.all_types() if t.active or include_inactive]
    history = db.session.scalars(select(A).where(A.person_id == person.id).order_by(A.due_on.desc(), A.id.desc()))
    by_type: dict[int, list[Appointment]] = {}
    for a in history:
        by_type.setdefault(a.service_type_id, []).append(a)
    documents = {d.service_type_id: d for d in db.session.scalars(select(Document).where(
        Document.person_id == person.id))}
    chosen = preferences.choices(person.id)
    base_facts = preferences.facts(person)
    lines = []
    for t in types:
        rules = service_types.rules_of(t)
        rows = by_type.get(t.id, [])
        facts = dataclasses.replace(base_facts, choice=chosen.get(t.id))
        doc = documents.get(t.id)
        held = schedules.DocumentDates(doc.issued_on, doc.endorsed_on) if doc else None
        visits = [schedules.Visit(a.slot, a.status, a.due_on, a.done_on) for a in rows]
        unmet = schedules.unmet(rules.eligibility, facts, today)
        nxt = schedules.next_due(rules.cadence, facts, visits, today, held) if not unmet or any(
            v.status == "planned" for v in visits) else None
        shown = [_visit(a, rules.cadence, today, with_results) for a in rows]
        lines.append(ServiceLine(t, rules.cadence, shown, nxt, unmet, chosen.get(t.id), doc,
                                 sum(v.status == "planned" for v in shown), sum(v.overdue for v in shown)))
    return lines


@dataclass
class ChildVaccination:
    child: Person
    next: schedules.NextDue | None
    overdue: int
    done: int
    total: int


def children_vaccinations(person: Person, user: User, today: dt.date | None = None) -> list[ChildVaccination]:
    """The person's linked children in ``user``'s scope and where each stands with the
    vaccination schedule (a child registered in another area is that area's to follow)."""
    today = today or local_today()
    children = [c for c in db.session.scalars(select(Person).join(Relation, Relation.relative_id == Person.id).where(
        Relation.person_id == person.id, Relation.relation == "child").order_by(Person.birth_date.desc()))
        if scope.may_see_grid(user, c.grid_id)]
    out = []
    for child in children:
        lines = [line for line in person_services(child, with_results=False, today=today)
                 if line.type.category == "vaccination"]
        for line in lines:
            out.append(ChildVaccination(child, line.next, line.overdue_count,
                                        sum(v.status == "done" for v in line.visits), len(line.cadence.doses)))
        if not lines:
            out.append(ChildVaccination(child, None, 0, 0, 0))
    return out


@dataclass(frozen=True)
class Upcoming:
    """An appointment as the migrant's card page shows it: what, when, where."""

    what: str
    details: tuple  # the doses of a vaccination visit; applying or renewing for a document
    on: dt.date
    where: str
    overdue: bool
    child_name: str | None  # a child's appointment, shown to the parent


def next_for_person(person_id: int, *, station_address: str | None = None, today: dt.date | None = None,
                    limit: int = 5) -> list[Upcoming]:
    """The open appointments of the person and of their children, soonest first; a
    child's doses on one day are one visit. Plain values, one query."""
    today = today or local_today()
    children = select(Relation.relative_id).where(Relation.person_id == person_id, Relation.relation == "child")
    rows = db.session.execute(
        select(A.person_id, A.due_on, A.slot, A.place, ServiceType.id, ServiceType.name, ServiceType.place,
               ServiceType.cadence, Person.name)
        .join(ServiceType, ServiceType.id == A.service_type_id).join(Person, Person.id == A.person_id)
        .where((A.person_id == person_id) | A.person_id.in_(children), A.status == "planned",
               ServiceType.active.is_(True))
        .order_by(A.due_on, A.person_id, ServiceType.sort_order, A.slot).limit(limit * 8)).all()
    visits: dict[tuple, dict] = {}
    for pid, due_on, slot, place, type_id, type_name, type_place, cadence, name in rows:
        visit = visits.setdefault((pid, type_id, due_on), {
            "what": type_name, "details": [], "on": due_on, "where": place_of(place, type_place, station_address),
            "child": name if pid != person_id else None})
        label = schedules.slot_label(schedules.Cadence.from_json(cadence), slot)
        if label:
            visit["details"].append(label)
    return [Upcoming(v["what"], tuple(v["details"]), v["on"], v["where"], v["on"] < today, v["child"])
            for v in list(visits.values())[:limit]]
