"""Printed notices with a tear-off stub (回执): issuing them, what they show, and
recording the stubs that come back.

A notice says only what the person needs: their name, what, when, where, what to
bring, whom to call — never a health result, never an ID number. A child's doses on
one day, or a person's appointments of one type on one day, share one notice.
A document reminder (催办通知书) of a type whose deadline goes by distance gives 15,
30 or 60 days (settings) depending on where the household registration is.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...domain import notices as rules
from ...domain import schedules
from ...domain.clock import local_today
from ...domain.text import N_
from ...extensions import db
from ...models import Appointment, Notice, Person, User
from .. import scope
from ..admin import settings
from ..common import audit
from ..common.context import Actor
from ..common.errors import NotFound, ValidationFailed
from ..common import paging
from ..common.paging import Cursor, Page, Seek
from .appointments import in_scope, place_of, station_of

MAX_PER_PRINT = 500


def _groups(appointments: list[Appointment]) -> dict[tuple, list[Appointment]]:
    groups: dict[tuple, list[Appointment]] = {}
    for a in appointments:
        groups.setdefault((a.person_id, a.service_type_id, a.due_on), []).append(a)
    return groups


def _new_notice(actor: Actor, first: Appointment, today: dt.date) -> Notice:
    t = first.service_type
    notice = Notice(person_id=first.person_id, kind="document" if t.category == "document" else "appointment",
                    issued_on=today, issued_by_id=actor.user_id)
    if t.category == "document":
        if t.deadline_rule == "by_distance":
            station = station_of(first.person.grid)
            notice.distance = rules.origin_distance(first.person.hukou_area_code, station.code if station else None)
            notice.deadline_on = rules.deadline(today, int(settings.get(rules.DEADLINE_SETTINGS[notice.distance])))
        elif first.slot != schedules.APPLY_SLOT:
            notice.deadline_on = first.due_on  # a renewal is due by its date
    db.session.add(notice)
    return notice


def issue(actor: Actor, user: User, appointment_ids: list[int]) -> list[Notice]:
    """Notices for these open appointments: the ones they already have (a reprint keeps
    its number), new ones for the rest."""
    if not appointment_ids:
        raise ValidationFailed({"ids": N_("没有要打印的预约")})
    if len(appointment_ids) > MAX_PER_PRINT:
        raise ValidationFailed({"ids": N_("一次最多打印 500 份")})
    found = db.session.scalars(in_scope(user).where(Appointment.id.in_(appointment_ids), Appointment.status == "planned")
                               .options(joinedload(Appointment.person).joinedload(Person.grid),
                                        joinedload(Appointment.service_type))
                               .order_by(Appointment.due_on, Appointment.person_id, Appointment.id)).unique().all()
    if not found:
        raise ValidationFailed({"ids": N_("没有要打印的预约")})
    today = local_today()
    out, created = [], []
    for group in _groups(found).values():
        notice = next((a.notice for a in group if a.notice is not None), None)
        if notice is None:
            notice = _new_notice(actor, group[0], today)
            created.append(notice)
        for a in group:
            a.notice = notice
        out.append(notice)
    db.session.flush()
    if created:
        audit.record(actor, "notice.issue", "notice", None, None,
                     {"notices": [n.id for n in created], "appointments": [a.id for a in found]})
    db.session.commit()
    return out


@dataclass
class NoticeView:
    """What a printed notice shows (nothing more)."""

    number: str
    kind: str
    name: str
    address: str
    what: str
    items: list[str]
    on: dt.date | None  # an appointment's day; None once it has passed (``overdue``)
    where: str
    instructions: str
    deadline_on: dt.date | None  # a document's deadline; None once it has passed (``overdue``)
    overdue: bool  # the day or deadline passed before printing: "as soon as possible, call to book"
    distance: str | None  # where the household registration is, for a deadline by distance
    days: int | None  # the deadline's days from issue
    apply: bool  # a document one may apply for (no date to keep)
    station_name: str
    station_address: str
    station_phone: str
    station_hours: str
    issued_on: dt.date


def views(notices: list[Notice], printed_on: dt.date | None = None) -> list[NoticeView]:
    """What each notice shows when printed on ``printed_on`` (today): no date that has passed."""
    printed_on = printed_on or local_today()
    out = []
    for n in notices:
        first = n.appointments[0] if n.appointments else None
        if first is None:
            continue
        person, t = n.person, first.service_type
        cadence = schedules.Cadence.from_json(t.cadence)
        station = station_of(person.grid)
        dwelling = person.dwelling
        apply = t.category == "document" and first.slot == schedules.APPLY_SLOT
        if n.kind == "document":  # a deadline: by distance, else a renewal's date; none to apply
            due = n.deadline_on if n.distance else (None if apply else n.deadline_on or first.due_on)
        else:
            due = first.due_on
        shown = rules.date_to_print(due, printed_on)
        out.append(NoticeView(
            number=rules.notice_number(n.id, n.issued_on), kind=n.kind, name=person.name,
            address=" ".join(x for x in (dwelling.address if dwelling else "", person.room or "") if x),
            what=t.name, items=[label for a in n.appointments if (label := schedules.slot_label(cadence, a.slot))],
            on=shown if n.kind != "document" else None,
            where=place_of(first.place, t.place, station.address if station else None),
            instructions=t.instructions or "", deadline_on=shown if n.kind == "document" else None,
            overdue=due is not None and shown is None, distance=n.distance,
            days=(n.deadline_on - n.issued_on).days if n.deadline_on and n.distance else None, apply=apply,
            station_name=station.name if station else "", station_address=(station.address or "") if station else "",
            station_phone=(station.phone or "") if station else "", station_hours=(station.hours or "") if station else "",
            issued_on=n.issued_on))
    return out


def _in_scope(user: User):
    stmt = select(Notice).join(Person, Person.id == Notice.person_id)
    condition = scope.grid_filter(user, Person.grid_id)
    return stmt if condition is None else stmt.where(condition)


def get(user: User, notice_id: int) -> Notice:
    return scope.first_or_not_found(_in_scope(user).where(Notice.id == notice_id), notice_id, "notice")


def listing(user: User, state: str = "out", cursor: Cursor = Cursor(), per_page: int = 20) -> Page:
    """Issued notices: ``out`` (stub not back yet), ``back`` or ``all``, newest first."""
    stmt = _in_scope(user)
    if state == "out":
        stmt = stmt.where(Notice.stub_returned_on.is_(None))
    elif state == "back":
        stmt = stmt.where(Notice.stub_returned_on.is_not(None))
    total = paging.total(stmt, cursor)
    seek = Seek.of(cursor, (Notice.issued_on, Notice.id), per_page,
                   lambda i: db.session.execute(select(Notice.issued_on, Notice.id).where(Notice.id == i)).first(),
                   descending=True)
    return seek.run(stmt.options(joinedload(Notice.person), joinedload(Notice.appointments)
                                 .joinedload(Appointment.service_type)), total)


def record_stub(actor: Actor, user: User, number: str, on: dt.date | None = None) -> Notice:
    """The stub came back: by the number printed on it (or the notice's id)."""
    notice_id = rules.parse_notice_number(number)
    if notice_id is None:
        raise ValidationFailed({"number": N_("回执编号格式不对，如 2026-0000123")})
    try:
        notice = get(user, notice_id)
    except NotFound:
        raise ValidationFailed({"number": N_("没有找到此编号的通知")}) from None
    on = on or local_today()
    if on > local_today():
        raise ValidationFailed({"on": N_("日期不能在未来")})
    if on < notice.issued_on:
        raise ValidationFailed({"on": N_("日期早于通知发出日期")})
    if notice.stub_returned_on is not None:
        raise ValidationFailed({"number": N_("此通知的回执已登记")})
    notice.stub_returned_on = on
    audit.record(actor, "notice.stub", "notice", notice.id, None, {"stub_returned_on": on})
    db.session.commit()
    return notice

