"""Reminders by text message: what is due goes into the outbox, then the outbox is sent.

``run`` is what ``flask send-reminders`` and the outbox page's button do:

1. cancel, among the appointments whose reminder is due, those that no longer apply
   (the person left, declined, or no longer meets the rules): nobody is reminded of
   something they cannot or need not come to;
2. put a reminder for each remaining visit into the outbox — one set-based
   ``INSERT … SELECT`` per type, for appointments due within the type's "days before";
   the outbox's unique key (person, type, day) means a reminder is queued once, however
   often this runs. A child's reminder goes to a parent's phone. People who asked for no
   messages, and people without a phone, get none (they get paper);
3. send the queue, soonest appointment first, in batches and outside quiet hours: a batch
   is claimed (``sending``) and committed before it goes out, so no other run sends it
   again; failures are retried with back-off up to the setting's number of attempts. A
   run stops starting batches after its time budget; the rest waits for the next run.
"""
from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import Integer, String, case, exists, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from ...domain import reminders as rules
from ...domain import schedules
from ...domain.clock import to_local, utcnow
from ...domain.text import N_
from ...extensions import db
from ...models import Appointment, Area, Person, Relation, ServiceType, SmsMessage, SmsOptOut, User
from .. import scope
from ..admin import settings
from ..common import audit, sql_dates
from ..common.context import Actor
from ..common.errors import ValidationFailed
from ..common import paging
from ..common.paging import Cursor, Page, Seek
from . import planning, service_types
from .sms import Backend, Outgoing, backend_from_config

M, A = SmsMessage, Appointment
BATCH = 500
RUN_SECONDS = 45  # a run's budget for sending (the command's default; cron runs it every 15 minutes)
STATE_LABELS = (("queued", N_("待发送")), ("sending", N_("发送中/状态不明")), ("sent", N_("已发送")),
                ("retry", N_("失败，将重试")), ("failed", N_("发送失败")), ("skipped", N_("未发送")))


@dataclass
class SendResult:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    skipped: int = 0
    quiet: bool = False


@dataclass
class RunResult:
    enqueued: int = 0
    cancelled: dict = field(default_factory=dict)
    sending: SendResult = field(default_factory=SendResult)
    waiting: int = 0  # still queued after the run (for the next one)


# --------------------------------------------------------------------------- queueing

def _recipient():
    """The person if they have a phone, else a present parent with one (a child's reminder)."""
    parent = aliased(Person)
    parent_id = (select(Relation.person_id).join(parent, parent.id == Relation.person_id)
                 .where(Relation.relative_id == Person.id, Relation.relation == "child", parent.phone.is_not(None),
                        parent.status == "present")
                 .order_by(Relation.person_id).limit(1).scalar_subquery())
    return case((Person.phone.is_not(None), Person.id), else_=parent_id)


def _insert_ignoring_duplicates(select_stmt, columns):
    dialect = db.session.get_bind().dialect.name
    table = M.__table__
    stmt = (postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)).from_select(columns,
                                                                                                     select_stmt)
    return stmt.on_conflict_do_nothing(index_elements=["person_id", "service_type_id", "due_on"]).execution_options(
        preserve_rowcount=True)


def enqueue(today: dt.date, now: dt.datetime, types: list, limited: list) -> int:
    total = 0
    for t in types:
        if not (t.active and t.sms_enabled):
            continue
        queued = exists().where(M.person_id == A.person_id, M.service_type_id == t.id, M.due_on == A.due_on)
        # One reminder per person and day: a child's doses of one visit are one message.
        visits = (select(A.person_id.label("pid"), A.due_on.label("due_on"), func.min(A.id).label("aid"))
                  .join(Person, Person.id == A.person_id)
                  .where(A.service_type_id == t.id, A.status == "planned", A.due_on >= today,
                         A.due_on <= today + dt.timedelta(days=t.sms_days_before), ~queued, *limited,
                         *planning.eligibility(t.eligibility, t.id, sql_dates.ymd(A.due_on)))
                  .group_by(A.person_id, A.due_on).subquery("visit"))
        due = (select(visits, _recipient().label("rid")).join(Person, Person.id == visits.c.pid)
               .subquery("due"))
        recipient = aliased(Person)
        rows = (select(due.c.pid, literal(t.id, Integer), due.c.due_on, due.c.aid, due.c.rid, recipient.phone,
                       literal("queued", String), literal(0, Integer), literal(now), literal(now))
                .select_from(due).join(recipient, recipient.id == due.c.rid)
                .where(recipient.phone.is_not(None), ~exists().where(SmsOptOut.person_id == due.c.rid)))
        total += db.session.execute(_insert_ignoring_duplicates(rows, [
            "person_id", "service_type_id", "due_on", "appointment_id", "recipient_id", "phone", "state", "attempts",
            "next_attempt_at", "created_at"])).rowcount
    if total > planning.BIG_WRITE:
        planning.fresh_statistics(("sms_outbox",))  # the queue's next queries are planned on it
    return total


# --------------------------------------------------------------------------- sending

def _claim(now: dt.datetime, take: int, grid_ids: list[int] | None) -> list[int]:
    """Mark a batch of the queue as being sent, and commit that, before anything is sent."""
    ids = select(M.id).where(M.state.in_(("queued", "retry")), M.next_attempt_at <= now)
    if grid_ids is not None:
        ids = ids.where(M.person_id.in_(select(Person.id).where(Person.grid_id.in_(grid_ids))))
    ids = ids.order_by(M.due_on, M.id).limit(take).correlate(None)
    claimed = list(db.session.scalars(
        update(M).where(M.id.in_(ids), M.state.in_(("queued", "retry")))
        .values(state="sending", claim=secrets.token_hex(8)).returning(M.id)
        .execution_options(synchronize_session=False)))
    db.session.commit()
    return claimed


def _claimed(ids: list[int]):
    grid, upper, top = aliased(Area), aliased(Area), aliased(Area)
    # The station is the township above the grid (its community's parent, or the grid's own parent).
    station_phone = case((upper.level == "township", upper.phone), else_=top.phone)
    station_address = case((upper.level == "township", upper.address), else_=top.address)
    return db.session.execute(
        select(M.id, M.phone, M.attempts, M.person_id, M.recipient_id, M.service_type_id, M.due_on,
               ServiceType.name.label("name"), ServiceType.category, ServiceType.place.label("place"),
               ServiceType.cadence, ServiceType.active, Person.name.label("person_name"),
               station_address.label("station_address"), station_phone.label("station_phone"),
               exists().where(SmsOptOut.person_id == M.recipient_id).label("opted_out"))
        .join(ServiceType, ServiceType.id == M.service_type_id)
        .join(Person, Person.id == M.person_id).join(grid, grid.id == Person.grid_id)
        .outerjoin(upper, upper.id == grid.parent_id).outerjoin(top, top.id == upper.parent_id)
        .where(M.id.in_(ids)).order_by(M.id)).all()


def _open_visits(rows) -> dict[tuple, list]:
    """(person, type, day) → [(slot, place)] of the planned appointments the messages are about."""
    if not rows:
        return {}
    found = db.session.execute(select(A.person_id, A.service_type_id, A.due_on, A.slot, A.place).where(
        A.person_id.in_({r.person_id for r in rows}), A.status == "planned",
        A.due_on.in_({r.due_on for r in rows})).order_by(A.id)).all()
    visits: dict[tuple, list] = {}
    for person_id, type_id, due_on, slot, place in found:
        visits.setdefault((person_id, type_id, due_on), []).append((slot, place))
    return visits


def _text(row, slots: list, signature: str) -> str:
    cadence = schedules.Cadence.from_json(row.cadence)
    kind = "visit" if row.category != "document" else ("apply" if slots[0][0] == schedules.APPLY_SLOT else "renew")
    doses = "、".join(schedules.slot_label(cadence, slot) for slot, _ in slots) if cadence.kind == "age_schedule" else ""
    place = next((p for _, p in slots if p), None) or row.place or row.station_address or ""
    return rules.sms_text(signature=signature or "安居", kind=kind, service=row.name, dose=doses, on=row.due_on,
                          place=place, phone=row.station_phone or "",
                          child_name=row.person_name if row.person_id != row.recipient_id else None)


def send(backend: Backend, now: dt.datetime, *, limit: int | None = None, deadline: float | None = None,
         grid_ids: list[int] | None = None) -> SendResult:
    """Send the queue, soonest appointment first: at most ``limit`` messages, and no new
    batch after ``deadline`` (``time.monotonic()``) — a run is bounded (cron starts the
    next one; providers limit the rate anyway), and what is left waits, in order."""
    result = SendResult()
    local = to_local(now)
    if rules.in_quiet_hours(local.time(), int(settings.get("sms.quiet_start")), int(settings.get("sms.quiet_end"))):
        result.quiet = True
        return result
    max_attempts, base = int(settings.get("sms.max_attempts")), int(settings.get("sms.retry_minutes"))
    signature = (settings.get("sms.signature") or "").strip()[:20]
    handled = 0
    while (limit is None or handled < limit) and (deadline is None or time.monotonic() < deadline):
        claimed = _claim(now, BATCH if limit is None else min(BATCH, limit - handled), grid_ids)
        if not claimed:
            break
        rows = _claimed(claimed)
        visits = _open_visits(rows)
        changes = []
        for row in rows:
            handled += 1
            slots = visits.get((row.person_id, row.service_type_id, row.due_on))
            if not slots or not row.active:  # moved, done or cancelled since it was queued
                changes.append({"id": row.id, "state": "skipped", "last_error": N_("预约已变更或取消"), "claim": None})
                result.skipped += 1
                continue
            if row.opted_out:
                changes.append({"id": row.id, "state": "skipped", "last_error": N_("本人已选择不接收短信"), "claim": None})
                result.skipped += 1
                continue
            text = _text(row, slots, signature)
            outcome = backend.send(Outgoing(row.id, row.phone, text))
            tries = (row.attempts or 0) + 1
            change = {"id": row.id, "body": text, "attempts": tries, "claim": None,
                      "last_error": None if outcome.ok else (outcome.error or "")[:200]}
            if outcome.ok:
                change.update(state="sent", sent_at=utcnow(), provider_ref=outcome.ref)
                result.sent += 1
            elif outcome.permanent or tries >= max_attempts:
                change.update(state="failed")
                result.failed += 1
            else:
                change.update(state="retry", next_attempt_at=now + rules.backoff(tries, base))
                result.retry += 1
            changes.append(change)
        for state in ("sent", "failed", "retry", "skipped"):  # one executemany per shape of row
            batch = [c for c in changes if c["state"] == state]
            if batch:
                db.session.execute(update(M), batch)
        db.session.commit()
    return result


def run(actor: Actor, *, now: dt.datetime | None = None, limit: int | None = None, seconds: float | None = None,
        backend: Backend | None = None, grid_ids: list[int] | None = None) -> RunResult:
    """Queue what is due and send the queue (see the module's notes); with ``seconds``,
    no new batch is started that long after the run began."""
    deadline = time.monotonic() + seconds if seconds else None
    now = now or utcnow()
    today = to_local(now).date()
    types = [service_types.rules_of(t) for t in service_types.all_types()]
    limited = planning.appointment_scope(grid_ids, None)
    horizon = max([t.sms_days_before for t in types if t.sms_enabled] or [0])
    result = RunResult()
    result.cancelled = planning.cancel_ineligible(today, types, limited, due_until=today + dt.timedelta(days=horizon),
                                                  changed_only=True)
    result.enqueued = enqueue(today, now, types, limited)
    db.session.commit()
    result.sending = send(backend or backend_from_config(current_app.config), now, limit=limit, deadline=deadline,
                          grid_ids=grid_ids)
    result.waiting = db.session.scalar(select(func.count()).where(M.state.in_(("queued", "retry"))))
    audit.record(actor, "sms.run", "sms_outbox", None, None, {
        "enqueued": result.enqueued, "cancelled": result.cancelled, "sent": result.sending.sent,
        "retry": result.sending.retry, "failed": result.sending.failed, "skipped": result.sending.skipped,
        "quiet_hours": result.sending.quiet, "waiting": result.waiting, "grid_ids": grid_ids})
    db.session.commit()
    return result


# --------------------------------------------------------------------------- the outbox page

def _in_scope(user: User):
    stmt = select(M).join(Person, Person.id == M.person_id)
    condition = scope.grid_filter(user, Person.grid_id)
    return stmt if condition is None else stmt.where(condition)


def outbox(user: User, state: str | None = None, cursor: Cursor = Cursor(), per_page: int = 30) -> Page:
    stmt = _in_scope(user)
    if state:
        stmt = stmt.where(M.state == state)
    seek = Seek.of(cursor, (M.id,), per_page, lambda i: (i,), descending=True)
    return seek.run(stmt, paging.total(stmt, cursor))


def counts(user: User) -> dict[str, int]:
    stmt = _in_scope(user).with_only_columns(M.state, func.count()).group_by(M.state)
    return dict(db.session.execute(stmt).all())


def retry(actor: Actor, user: User, message_id: int) -> SmsMessage:
    """Send a failed message again (after the number was corrected, say)."""
    message = scope.first_or_not_found(_in_scope(user).where(M.id == message_id), message_id, "sms")
    if message.state != "failed":
        raise ValidationFailed({"state": N_("只有发送失败的短信可以重新发送")})
    message.state, message.attempts, message.next_attempt_at = "retry", 0, utcnow()
    audit.record(actor, "sms.retry", "sms_outbox", message.id)
    db.session.commit()
    return message
