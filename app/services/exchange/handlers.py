"""What a received message does, by type. Each handler runs in the transaction that marks
the message processed, so a message's effect happens once; answers go to the outbox in
the same transaction.

On the origin's side: ``inflow_notice`` (match by ID number: linked, created for review
or not our resident; feedback), ``inquiry_answer``, ``departure``, ``correction``. On the
destination's side: ``feedback``, ``inquiry`` (answered at once), ``return``,
``correction`` (left to a coordinator: a person's identity is corrected on their page).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from ...domain.clock import local_today, utcnow
from ...extensions import db
from ...models import Area, InboxMessage, LeftBehind, Outflow, OutboxMessage, Person
from ..admin import settings
from ..common import audit, bulk
from ..common.context import Actor
from . import outbox
from . import peers as directory


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def _text(value, length: int) -> str | None:
    return str(value).strip()[:length] or None if value is not None else None


def handle(actor: Actor, row: InboxMessage, body: dict) -> None:
    HANDLERS[row.type](actor, row, body)
    if row.state in ("received", "error"):
        row.state = "processed"
    row.error = None


_READ = "exchange.read_ahead"


def read_ahead(bodies: list[dict]) -> None:
    """Before a batch is processed: the away records its inflow notices match and their
    left-behind counts, in two queries instead of two per message. Kept on the session
    until ``forget``; a handler that writes outflow records drops what it made stale."""
    numbers = {n for b in bodies if b.get("type") == "inflow_notice"
               for n in [_text((b["data"].get("person") or {}).get("id_number"), 18)] if n}
    if not numbers:
        return
    records = db.session.scalars(select(Outflow).where(bulk.any_of(Outflow.id_number, sorted(numbers)),
                                                       Outflow.status == "away").order_by(Outflow.id.desc())).all()
    away: dict[str, Outflow | None] = dict.fromkeys(numbers)
    away.update({r.id_number: r for r in records})
    left = dict(db.session.execute(select(LeftBehind.outflow_id, func.count()).where(
        bulk.any_of(LeftBehind.outflow_id, [r.id for r in records])).group_by(LeftBehind.outflow_id)).all()) \
        if records else {}
    db.session.info[_READ] = {"away": away, "left": {r.id: left.get(r.id, 0) for r in records}}


def forget() -> None:
    db.session.info.pop(_READ, None)


def _away_record(number: str) -> Outflow | None:
    from ..outflow import register
    ahead = db.session.info.get(_READ)
    if ahead is not None and number in ahead["away"]:
        return ahead["away"][number]
    return register.away_record(number)


def feedback_data(record: Outflow | None, outcome: str) -> dict:
    """What the destination needs back: the contact at home and how many stay behind."""
    if record is None:
        return {"outcome": outcome}
    ahead = db.session.info.get(_READ)
    left = ahead["left"][record.id] if ahead is not None and record.id in ahead["left"] else \
        db.session.scalar(select(func.count()).select_from(LeftBehind).where(LeftBehind.outflow_id == record.id))
    return {"outcome": outcome, "home_contact": record.home_contact, "home_phone": record.home_phone,
            "left_behind": left or 0}


def answer_notice(actor: Actor, row: InboxMessage, record: Outflow | None, outcome: str) -> None:
    """Send the feedback of an inflow notice (at once, or when a coordinator has reviewed
    the record it created) and close the notice."""
    body = _body(row)
    message = outbox.message(row.peer, "feedback", feedback_data(record, outcome), grid_id=row.grid_id,
                             about=row.about, reply_to=body["id"])
    outbox.post(actor, [message])
    row.state, row.answered_at, row.outcome = "processed", utcnow(), outcome


def _body(row: InboxMessage) -> dict:
    import json
    return json.loads(row.raw)


def inflow_notice(actor: Actor, row: InboxMessage, body: dict) -> None:
    from ..outflow import register  # the outflow register writes through its one function
    data = body["data"]
    person = data.get("person") or {}
    number = _text(person.get("id_number"), 18)
    household = _text(person.get("household_code"), 12) or (number or "")[:6]
    own, _ = directory.identity()
    row.due_on = local_today() + dt.timedelta(days=int(settings.get("exchange.feedback_days")))
    where = data.get("where") or {}
    if not number or not own or not household.startswith(own):
        answer_notice(actor, row, None, "not_resident")
        return
    record = _away_record(number)
    if record is not None:
        before = {"dest_area_code": record.dest_area_code, "confirmed_at": record.confirmed_at}
        record.dest_area_code = _text(where.get("area_code"), 12) or record.dest_area_code
        record.dest_address = record.dest_address or _place(where)
        record.confirmed_at = utcnow()
        audit.record(actor, "outflow.confirm", "outflow", record.id, before,
                     {"dest_area_code": record.dest_area_code, "confirmed_at": record.confirmed_at})
        row.grid_id = record.grid_id
        answer_notice(actor, row, record, "linked")
        return
    grid = register.home_grid_for(household)
    if grid is None:
        answer_notice(actor, row, None, "not_resident")
        return
    since = _date(data.get("since")) or local_today()
    fields = {"id_number": number, "name": _text(person.get("name"), 64) or "?", "left_on": min(since, local_today()),
              "dest_area_code": _text(where.get("area_code"), 12), "dest_address": _place(where)}
    values = register.normalise(fields)
    register.write(actor, [{**values, "grid_id": grid.id, "confirmed_at": utcnow()}], source="exchange",
                   needs_review=True)
    forget()  # an away record of that number now exists
    # A one-sided record closed: the coordinator reviews it, then the feedback goes.
    row.grid_id, row.state, row.outcome = grid.id, "open", "created"


def _place(where: dict) -> str | None:
    return _text(" ".join(str(where.get(k) or "") for k in ("county", "township")), 200)


def feedback(actor: Actor, row: InboxMessage, body: dict) -> None:
    sent = _answered(body)
    row.grid_id = sent.grid_id if sent else None
    row.outcome = _text(body["data"].get("outcome"), 20)


def _answered(body: dict) -> OutboxMessage | None:
    reply_to = body.get("reply_to")
    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.message_id == str(reply_to))).first() \
        if reply_to else None
    if sent is not None and sent.answered_at is None:
        sent.answered_at = utcnow()
    return sent


def inquiry(actor: Actor, row: InboxMessage, body: dict) -> None:
    number = _text((body["data"].get("person") or {}).get("id_number"), 18)
    person = db.session.scalars(select(Person).where(Person.id_number == number, Person.status == "present")).first() \
        if number else None
    if person is None:
        data = {"found": False}
        row.outcome = "not_found"
    else:
        from .notify import _station
        data = {"found": True, "since": person.arrived_on.isoformat() if person.arrived_on else None,
                "where": _station(person.grid)}
        row.grid_id, row.outcome = person.grid_id, "found"
    outbox.post(actor, [outbox.message(row.peer, "inquiry_answer", data, grid_id=row.grid_id, about=number,
                                       reply_to=body["id"])])
    row.answered_at = utcnow()


def inquiry_answer(actor: Actor, row: InboxMessage, body: dict) -> None:
    sent = _answered(body)
    data = body["data"]
    row.grid_id = sent.grid_id if sent else None
    row.outcome = "found" if data.get("found") else "not_found"
    record = _away(sent.about if sent else None)
    if record is not None and data.get("found"):
        where = data.get("where") or {}
        record.confirmed_at = utcnow()
        record.dest_area_code = _text(where.get("area_code"), 12) or record.dest_area_code
        audit.record(actor, "outflow.confirm", "outflow", record.id, None,
                     {"dest_area_code": record.dest_area_code, "confirmed_at": record.confirmed_at})


def _away(number: str | None) -> Outflow | None:
    if not number:
        return None
    return db.session.scalars(select(Outflow).where(Outflow.id_number == number, Outflow.status == "away")).first()


def departure(actor: Actor, row: InboxMessage, body: dict) -> None:
    """The destination deregistered our resident: the record shows it; where they went
    next is for the coordinator to find out (an inquiry, a call home)."""
    record = _away(row.about)
    row.outcome = "noted" if record is not None else "unknown"
    if record is not None:
        row.grid_id = record.grid_id
        record.confirmed_at = None
        audit.record(actor, "outflow.left_destination", "outflow", record.id, None,
                     {"left_on": body["data"].get("left_on")})


def returned(actor: Actor, row: InboxMessage, body: dict) -> None:
    """The origin says the person went home: the coordinator here deregisters them."""
    number = row.about
    person = db.session.scalars(select(Person).where(Person.id_number == number, Person.status == "present")).first() \
        if number else None
    row.outcome = "noted" if person is not None else "unknown"
    if person is not None:
        row.grid_id, row.state = person.grid_id, "open"


def correction(actor: Actor, row: InboxMessage, body: dict) -> None:
    forget()  # ID numbers change: what was read ahead may be stale
    old = _text(body["data"].get("old_id_number"), 18)
    record = _away(old)
    person = (body["data"].get("person") or {})
    if record is not None:  # the origin's record follows the destination's correction
        from ..outflow import register
        values = register.normalise({**{k: getattr(record, k) for k in register.FIELDS},
                                     "id_number": person.get("id_number"), "name": person.get("name")})
        before = {"id_number": record.id_number, "name": record.name}
        record.id_number, record.name = values["id_number"], values["name"]
        record.birth_date, record.sex = values["birth_date"], values["sex"]
        audit.record(actor, "outflow.correct", "outflow", record.id, before,
                     {"id_number": record.id_number, "name": record.name})
        row.grid_id, row.outcome = record.grid_id, "applied"
        return
    present = db.session.scalars(select(Person).where(Person.id_number == old)).first() if old else None
    row.outcome = "open" if present is not None else "unknown"
    if present is not None:
        row.grid_id, row.state = present.grid_id, "open"


HANDLERS = {
    "inflow_notice": inflow_notice, "feedback": feedback, "inquiry": inquiry, "inquiry_answer": inquiry_answer,
    "departure": departure, "return": returned, "correction": correction,
}


def close(actor: Actor, row: InboxMessage) -> None:
    """A coordinator dealt with an open message (a return, a correction): closed."""
    db.session.execute(update(InboxMessage).where(InboxMessage.id == row.id)
                       .values(state="processed", answered_at=utcnow()))
    audit.record(actor, "exchange.close", "exchange_inbox", row.id, {"state": "open"}, {"state": "processed"})


__all__ = ["HANDLERS", "Area", "answer_notice", "close", "handle"]
