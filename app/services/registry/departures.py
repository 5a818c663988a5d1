"""Writing departures (走有注销): one function for one person leaving (the form, the review
queue) or many at once (the demo county's history), set-based.

A departure is, in one transaction: the person's status and date, the departure on their
timeline, the end of their tenancy, their card revoked, their planned services cancelled,
and an audit row for each change. The checks (is the person present, is the date
possible) are the callers' (``people.apply_departure``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from ...domain.clock import utcnow
from ...extensions import db
from ...models import AuditLog, Card, Movement, Person, Tenancy
from ..common import audit, bulk
from ..common.context import Actor
from ..exchange import notify
from ..health import planning


@dataclass
class Departure:
    person_id: int
    on: dt.date
    grid_id: int
    dwelling_id: int | None = None
    destination: str | None = None
    reason: str | None = None
    note: str | None = None
    version: int | None = None  # the record's version the departure was decided on


def write(actor: Actor, departures: list[Departure], *, now: dt.datetime | None = None) -> None:
    """Write ``departures`` in the caller's transaction. A departure decided on a
    ``version`` that is no longer the record's raises ``StaleDataError``."""
    if not departures:
        return
    now = now or utcnow()
    ids = [d.person_id for d in departures]
    _mark_left(departures, now)
    bulk.write(Movement.__table__, [
        {"person_id": d.person_id, "kind": "leave", "on_date": d.on, "from_dwelling_id": d.dwelling_id,
         "to_dwelling_id": None, "from_grid_id": d.grid_id, "to_grid_id": None,
         "destination": (d.destination or "").strip() or None, "reason": d.reason, "note": d.note,
         "recorded_by_id": actor.user_id, "recorded_at": now} for d in departures])
    tenancy = Tenancy.__table__
    bulk.update_from(tenancy, "person_id", [{"person_id": d.person_id, "end_on": d.on} for d in departures],
                     tenancy.c.end_on.is_(None))
    cards = db.session.execute(select(Card.id, Card.person_id).where(
        bulk.any_of(Card.person_id, ids), Card.revoked_at.is_(None))).all()
    if cards:
        db.session.execute(update(Card).where(bulk.any_of(Card.id, [c.id for c in cards]))
                           .values(revoked_at=now, revoked_reason="departed")
                           .execution_options(synchronize_session=False))
    planning.cancel_for_departure(ids)
    logs = [audit.row(actor, "card.revoke", "card", c.id, {"person_id": c.person_id, "reason": "departed"}, now)
            for c in cards]
    logs += [audit.row(actor, "person.depart", "person", d.person_id,
                       {"status": "left", "left_on": d.on, "dwelling_id": d.dwelling_id,
                        "destination": d.destination, "reason": d.reason}, now,
                       before={"status": "present", "left_on": None, "dwelling_id": d.dwelling_id})
             for d in departures]
    bulk.write(AuditLog.__table__, logs)
    notify.departure(actor, ids, {d.person_id: d.on for d in departures})


def _mark_left(departures: list[Departure], now: dt.datetime) -> None:
    if len(departures) == 1:  # one person, from a form: refuse a record changed meanwhile
        d = departures[0]
        stmt = update(Person).where(Person.id == d.person_id, Person.status == "present")
        if d.version is not None:
            stmt = stmt.where(Person.version == d.version)
        done = db.session.execute(stmt.values(status="left", left_on=d.on, updated_at=now,
                                              version=Person.version + 1)
                                  .execution_options(synchronize_session=False)).rowcount
        if done != 1:
            raise StaleDataError("the person was changed meanwhile")
        return
    person = Person.__table__
    bulk.update_from(person, "id", [{"id": d.person_id, "left_on": d.on} for d in departures],
                     person.c.status == "present",
                     also={"status": "left", "updated_at": now, "version": person.c.version + 1})
