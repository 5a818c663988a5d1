"""Demo data for the service schedules: the shipped types, people who asked for a service
or declined one, residence permits, last month planned and mostly done (the rest overdue,
some moved to this month), this month planned; for the small demo also notices and
reminders, so that every page has something to show after ``make run``.

All set-based (a few statements whatever the number of people), like ``demo.seed``.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String, and_, case, delete, exists, func, insert, literal, or_, select, update

from ...domain import dates
from ...domain.clock import utcnow
from ...extensions import db
from ...models import Appointment, Document, Person, ServiceChoice, ServiceType, User
from ..common import sql_dates
from ..common.context import Actor
from ..health import notices, planning, reminders, service_types

SMALL = 10_000  # notices and reminders only for a demo this size or smaller


def _types() -> dict[str, ServiceType]:
    return {t.code: t for t in service_types.all_types()}


def _choices(types: dict, today: dt.date) -> None:
    """Six in ten married women opt in to the reproductive-health check-up; three in a
    hundred adults decline the free check-up (services are voluntary)."""
    for code, choice, condition in (
            ("reproductive_health", "in", and_(Person.sex == "F", Person.marital_status == "married",
                                               Person.id % 10 < 6)),
            ("health_checkup", "out", Person.id % 100 < 3)):
        rows = select(Person.id, literal(types[code].id, Integer), literal(choice, String),
                      literal(today, Date)).where(Person.status == "present", condition)
        db.session.execute(insert(ServiceChoice).from_select(
            ["person_id", "service_type_id", "choice", "chosen_on"], rows))


def _permits(types: dict, today: dt.date) -> None:
    """Nearly half of the adults here 8 months or more hold a residence permit, issued
    6 to 8 months after they came."""
    issued = sql_dates.anniversary(Person.arrived_on, 6 + Person.id % 3)
    rows = select(Person.id, literal(types["residence_permit"].id, Integer),
                  literal("330106-", String) + sql_dates.cast_text(Person.id), issued, literal(utcnow()),
                  literal(1, Integer)).where(
        Person.status == "present", Person.arrived_on.is_not(None), Person.id % 20 < 9,
        Person.birth_date <= dt.date(today.year - 16, 1, 1),
        sql_dates.anniversary(Person.arrived_on, 8) <= sql_dates.const(today))
    db.session.execute(insert(Document).from_select(
        ["person_id", "service_type_id", "number", "issued_on", "updated_at", "version"], rows))


def _not_before_they_came() -> None:
    """Last month is planned as of its start, for everyone registered now: the planner then
    knew only the people already here. Appointments of a day before the person came or was
    registered were never made (someone who arrived on 1 December has no check-up overdue
    since 5 November)."""
    late = select(Person.id).where(Person.id == Appointment.person_id, or_(
        Person.arrived_on > Appointment.due_on, func.date(Person.entered_at) > Appointment.due_on))
    db.session.execute(delete(Appointment).where(exists(late)).execution_options(synchronize_session=False))


def _last_month_done(today: dt.date) -> None:
    """Seven in ten of last month's visits were made; one in ten, and most of the document
    reminders, were moved to a day this month; the others are overdue. A visit is a
    person's appointments of one type on one day — a child's doses share its fate and its
    new day (one visit, one text), so it goes by person and type, not appointment."""
    visit = Appointment.person_id + Appointment.service_type_id
    not_documents = select(ServiceType.id).where(ServiceType.category != "document")
    vaccinations = select(ServiceType.id).where(ServiceType.category == "vaccination")
    outcome = case((Appointment.service_type_id.in_(vaccinations),
                    case((Appointment.catch_up.is_(True), "given_elsewhere"), else_="given")),
                   (Appointment.id % 20 == 0, "follow_up"), else_="normal")
    db.session.execute(update(Appointment).where(
        Appointment.status == "planned", Appointment.due_on < today, visit % 10 < 7,
        Appointment.service_type_id.in_(not_documents)).values(
        status="done", done_on=Appointment.due_on, outcome=outcome, updated_at=utcnow(),
        version=Appointment.version + 1).execution_options(synchronize_session=False))
    month = dates.first_of_month(today)
    moved = (visit % 10 == 7) | (Appointment.service_type_id.not_in(not_documents) & (visit % 10 < 8))
    db.session.execute(update(Appointment).where(
        Appointment.status == "planned", Appointment.due_on < today, moved).values(
        due_on=planning.invitation_day(month, today, Appointment.person_id), version=Appointment.version + 1)
        .execution_options(synchronize_session=False))


def _paper_and_messages(actor: Actor, today: dt.date) -> None:
    """A few notices (two stubs back) and today's reminders, for the small demo."""
    admin = db.session.scalars(select(User).where(User.role == "admin").order_by(User.id)).first()
    ids = list(db.session.scalars(select(Appointment.id).where(Appointment.status == "planned",
                                                                 Appointment.due_on >= today)
                                  .order_by(Appointment.due_on, Appointment.id).limit(8)))
    if admin and ids:
        issued = notices.issue(actor, admin, ids)
        for notice in issued[:2]:
            notice.stub_returned_on = today
        db.session.commit()
    reminders.run(actor)


def seed(actor: Actor, today: dt.date, persons: int) -> None:
    service_types.install_defaults(actor)
    types = _types()
    _choices(types, today)
    _permits(types, today)
    planning.fresh_statistics(("person", "relation", *planning.PLANNING_TABLES))  # all just loaded
    last_month = dates.add_months_to_first(dates.first_of_month(today), -1)
    planning.plan_month(actor, last_month, today=last_month - dt.timedelta(days=1), check_month=False, commit=False)
    _not_before_they_came()
    _last_month_done(today)
    planning.plan_month(actor, dates.first_of_month(today), today=today, commit=False)
    db.session.commit()
    if persons <= SMALL:
        _paper_and_messages(actor, today)
