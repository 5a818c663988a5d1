"""Reading the outflow register: the list with its search, the left-behind lists a
station visits with, a record's timeline, and the "四知" figures."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ...domain import outflow as rules
from ...domain.clock import local_today
from ...extensions import db
from ...models import AuditLog, InboxMessage, LeftBehind, Outflow
from .. import scope

PAGE = 50


def _scoped(stmt, user, column):
    condition = scope.grid_filter(user, column)
    return stmt if condition is None else stmt.where(condition)


def search(user, q: str = "", status: str = "away", limit: int = PAGE) -> list[Outflow]:
    """Outflow records in the user's grids: any part of a name, an ID number's prefix or
    any part of the phone there."""
    stmt = _scoped(select(Outflow), user, Outflow.grid_id).options(joinedload(Outflow.grid))
    if status in ("away", "returned"):
        stmt = stmt.where(Outflow.status == status)
    elif status == "review":
        stmt = stmt.where(Outflow.needs_review.is_(True))
    q = (q or "").strip()
    if q:
        stmt = stmt.where(or_(Outflow.name.contains(q, autoescape=True),
                              Outflow.id_number.startswith(q.upper(), autoescape=True),
                              Outflow.phone.contains(q, autoescape=True)))
    return list(db.session.scalars(stmt.order_by(Outflow.left_on.desc(), Outflow.id.desc()).limit(limit)))


def counts(user) -> dict:
    stmt = _scoped(select(Outflow.status, func.count()).group_by(Outflow.status), user, Outflow.grid_id)
    out = {"away": 0, "returned": 0}
    out.update(dict(db.session.execute(stmt).all()))
    review = _scoped(select(func.count()).select_from(Outflow).where(Outflow.needs_review.is_(True)), user,
                     Outflow.grid_id)
    out["review"] = db.session.scalar(review)
    return out


@dataclass
class LeftBehindRow:
    member: LeftBehind
    age: int
    away: Outflow


def left_behind(user, kind: str, today: dt.date | None = None) -> list[LeftBehindRow]:
    """Children (under 16) or elderly (60+) whose family member is still away, per grid,
    with age, carer and the absent member's contact: the station's visiting list."""
    today = today or local_today()
    stmt = _scoped(select(LeftBehind).join(Outflow).where(Outflow.status == "away", LeftBehind.kind == kind),
                   user, LeftBehind.grid_id)
    stmt = stmt.options(joinedload(LeftBehind.outflow)).order_by(LeftBehind.grid_id, LeftBehind.birth_date)
    rows = []
    for m in db.session.scalars(stmt):
        age = rules.age_on(m.birth_date, today)
        if rules.left_behind_kind(m.birth_date, today) == kind:  # a child who turned 16 drops off the list
            rows.append(LeftBehindRow(m, age, m.outflow))
    return rows


def timeline(record: Outflow) -> list:
    """What happened to a record (its audit rows) and what the exchange said about it."""
    logs = list(db.session.scalars(select(AuditLog).where(AuditLog.entity == "outflow", AuditLog.entity_id == record.id)
                                   .order_by(AuditLog.at)))
    messages = list(db.session.scalars(select(InboxMessage).where(InboxMessage.about == record.id_number)
                                       .order_by(InboxMessage.received_at)))
    return sorted([("audit", log.at, log) for log in logs] + [("message", m.received_at, m) for m in messages],
                  key=lambda item: item[1])


def four_knows_figures(user, *, within=None) -> dict:
    """Away records that know all four (reason, destination to the township, occupation,
    contact) ÷ away records; ``within``: a grid filter instead of the user's scope."""
    stmt = select(Outflow.reason, Outflow.dest_area_code, Outflow.occupation, Outflow.phone) \
        .where(Outflow.status == "away")
    if within is None:
        stmt = _scoped(stmt, user, Outflow.grid_id)
    elif (condition := within(Outflow.grid_id)) is not None:
        stmt = stmt.where(condition)
    rows = db.session.execute(stmt).all()
    complete = sum(1 for r in rows if rules.four_knows(*r).complete)
    return {"complete": complete, "total": len(rows)}
