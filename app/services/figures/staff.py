"""Staff performance: each coordinator's month, from the records themselves.

Three grouped queries and one list of entry times for the whole month and scope, never
a query per coordinator (``domain.staff_performance`` does the arithmetic).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from ...domain import staff_performance as rules
from ...domain.clock import LOCAL, month_bounds
from ...extensions import db
from ...models import AuditSampleItem, Person, Role, User, user_grids
from .. import scope
from ..admin import settings


@dataclass
class Report:
    month: dt.date
    rows: list[rules.StaffMonth]
    total: rules.StaffMonth
    rates: rules.Rates
    limit_hours: int


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()).replace(tzinfo=LOCAL).astimezone(dt.timezone.utc).replace(tzinfo=None)


def month_range(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month in local time (China Standard Time), as the UTC the columns store."""
    first, nxt = month_bounds(month)
    return _utc(first), _utc(nxt)


def coordinators(user: User) -> list[User]:
    """Whose figures ``user`` may see: a coordinator their own; a supervisor those working
    in the township's grids; an admin every coordinator."""
    if user.role == Role.COORDINATOR.value:
        return [user]
    stmt = select(User).where(User.role == Role.COORDINATOR.value)
    ids = scope.grid_ids(user)
    if ids is not None:
        stmt = stmt.where(User.id.in_(select(user_grids.c.user_id).where(user_grids.c.area_id.in_(ids))))
    return list(db.session.scalars(stmt.order_by(User.name, User.id)))


def report(user: User, month: dt.date) -> Report:
    staff = coordinators(user)
    ids = [u.id for u in staff]
    start, end = month_range(month)
    rates = rules.Rates.of(settings.get("staff.reward_collected"), settings.get("staff.reward_entered"),
                           settings.get("staff.reward_approved"))
    limit = settings.get("person.entry_hours")
    rows = {u.id: rules.StaffMonth(u.id, u.name) for u in staff}
    delays: dict[int, list[float]] = {i: [] for i in ids}
    if ids:
        in_scope = scope.grid_filter(user, Person.grid_id)
        own = [Person.created_by_id.in_(ids)] + ([in_scope] if in_scope is not None else [])

        def grouped(*conditions):
            stmt = select(Person.created_by_id, func.count()).where(*own, *conditions).group_by(Person.created_by_id)
            return dict(db.session.execute(stmt).all())

        for key, counts in (
            ("collected", grouped(Person.import_id.is_(None), Person.collected_at >= start, Person.collected_at < end)),
            ("imported", grouped(Person.import_id.is_not(None), Person.entered_at >= start, Person.entered_at < end)),
        ):
            for user_id, n in counts.items():
                setattr(rows[user_id], key, n)
        for user_id, collected_at, entered_at in db.session.execute(
                select(Person.created_by_id, Person.collected_at, Person.entered_at)
                .where(*own, Person.import_id.is_(None), Person.entered_at >= start, Person.entered_at < end)):
            delays[user_id].append(rules.delay_hours(collected_at, entered_at))
        approved = db.session.execute(
            select(AuditSampleItem.entered_by_id, func.count()).join(Person, Person.id == AuditSampleItem.person_id)
            .where(AuditSampleItem.entered_by_id.in_(ids), AuditSampleItem.result == "pass",
                   AuditSampleItem.checked_at >= start, AuditSampleItem.checked_at < end,
                   *([in_scope] if in_scope is not None else []))
            .group_by(AuditSampleItem.entered_by_id)).all()
        for user_id, n in approved:
            rows[user_id].approved = n
    for user_id, row in rows.items():
        row.entered = len(delays[user_id])
        rules.complete(row, delays[user_id], limit, rates)
    ordered = list(rows.values())
    everything = [d for ds in delays.values() for d in ds]
    return Report(month, ordered, rules.totals(ordered, everything, limit, rates), rates, limit)
