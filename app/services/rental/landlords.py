"""What a landlord sees and does: their dwellings and current tenants, confirming or
disputing tenancies, reporting arrivals and departures. Every report is a pending
change in the grid's review queue (``services.registry.reviews``); only confirming writes directly."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from ...domain import rental
from ...domain.clock import local_today, utcnow
from ...domain.events import event_date_problem
from ...domain.idcard import InvalidIdNumber, parse_id_number
from ...domain.phone import InvalidPhone, normalise_mobile
from ...domain.text import N_
from ...extensions import db
from ...models import ChangeRequest, Dwelling, Person, Tenancy, User
from .. import scope
from ..admin import settings
from ..common import audit
from ..common.context import Actor
from ..common.errors import ValidationFailed
from . import agreements

REPORT_KINDS = ("tenant_arrival", "tenant_departure", "tenancy_dispute")


@dataclass
class TenantRow:
    tenancy: Tenancy
    person: Person
    pending: ChangeRequest | None = None  # the landlord's dispute or departure report waiting

    @property
    def confirmed(self) -> bool:
        return self.tenancy.confirmed_by_landlord_at is not None


@dataclass
class DwellingView:
    dwelling: Dwelling
    tenants: list[TenantRow] = field(default_factory=list)
    arrivals: list[ChangeRequest] = field(default_factory=list)  # reported, not decided yet
    agreement_needed: bool = False
    agreement: object = None  # the standing signature


def dwellings(user: User) -> list[Dwelling]:
    return list(db.session.scalars(scope.landlord_dwellings(user).order_by(Dwelling.address, Dwelling.id)))


def _pending_reports(user: User) -> list[ChangeRequest]:
    return list(db.session.scalars(select(ChangeRequest).where(
        ChangeRequest.requested_by_id == user.id, ChangeRequest.source == "landlord",
        ChangeRequest.status == "pending")))


def views(user: User, only: Dwelling | None = None) -> list[DwellingView]:
    """The landlord's dwellings with current tenants, waiting reports and agreement state
    (three queries, whatever the number of dwellings)."""
    homes = [only] if only is not None else dwellings(user)
    by_id = {d.id: DwellingView(d) for d in homes}
    rows = db.session.execute(
        select(Tenancy, Person).join(Person, Person.id == Tenancy.person_id)
        .where(Tenancy.dwelling_id.in_(list(by_id)), Tenancy.end_on.is_(None), Person.status == "present")
        .order_by(Tenancy.room, Person.name, Tenancy.id)).all()
    pending = _pending_reports(user)
    waiting = {c.payload.get("tenancy_id"): c for c in pending if c.kind != "tenant_arrival"}
    for tenancy, person in rows:
        by_id[tenancy.dwelling_id].tenants.append(TenantRow(tenancy, person, waiting.get(tenancy.id)))
    for change in pending:
        if change.kind == "tenant_arrival" and change.payload.get("dwelling_id") in by_id:
            by_id[change.payload["dwelling_id"]].arrivals.append(change)
    state = agreements.signed_state(list(by_id))
    for dwelling_id, agreement in state.items():
        by_id[dwelling_id].agreement, by_id[dwelling_id].agreement_needed = agreement, agreement is None
    return list(by_id.values())


def todo(all_views: list[DwellingView]) -> dict:
    """What waits for the landlord: tenancies to confirm, agreements to sign."""
    return {"unconfirmed": [(v.dwelling, t) for v in all_views for t in v.tenants if not t.confirmed and not t.pending],
            "unsigned": [v.dwelling for v in all_views if v.agreement_needed]}


def reports(user: User, limit: int = 20) -> list[ChangeRequest]:
    return list(db.session.scalars(select(ChangeRequest).where(
        ChangeRequest.requested_by_id == user.id, ChangeRequest.source == "landlord")
        .order_by(ChangeRequest.created_at.desc(), ChangeRequest.id.desc()).limit(limit)))


def _open_tenancy(user: User, tenancy_id: int) -> Tenancy:
    tenancy = scope.get_landlord_tenancy(user, tenancy_id)
    if tenancy.person.status != "present":
        raise ValidationFailed({"tenancy": N_("此人已注销")})
    return tenancy


def _waiting(tenancy: Tenancy) -> ChangeRequest | None:
    return db.session.scalars(select(ChangeRequest).where(
        ChangeRequest.person_id == tenancy.person_id, ChangeRequest.source == "landlord",
        ChangeRequest.status == "pending", ChangeRequest.kind.in_(("tenant_departure", "tenancy_dispute")))).first()


def confirm(actor: Actor, user: User, tenancy_id: int) -> Tenancy:
    tenancy = _open_tenancy(user, tenancy_id)
    if tenancy.confirmed_by_landlord_at is not None:
        raise ValidationFailed({"tenancy": N_("已确认过")})
    if _waiting(tenancy) is not None:
        raise ValidationFailed({"tenancy": N_("您对此记录的报告正在等待网格员处理")})
    tenancy.confirmed_by_landlord_at = utcnow()
    audit.record(actor, "tenancy.confirm", "tenancy", tenancy.id, None,
                 {"person_id": tenancy.person_id, "dwelling_id": tenancy.dwelling_id})
    db.session.commit()
    return tenancy


def _event_date(on: dt.date | None, tenancy: Tenancy | None = None) -> dt.date:
    """A reported date, by the rule the reviewer's acceptance applies (``domain.events``)."""
    if on is None:
        raise ValidationFailed({"on": N_("请填写日期")})
    problem = event_date_problem(on, local_today(), arrived_on=tenancy and tenancy.person.arrived_on,
                                 moved_in_on=tenancy and tenancy.start_on)
    if problem:
        raise ValidationFailed({"on": problem})
    return on


def _submit(actor: Actor, user: User, kind: str, dwelling: Dwelling, payload: dict,
            person_id: int | None = None, event_on: dt.date | None = None) -> ChangeRequest:
    if event_on is not None:  # the report is due within landlord.report_days of the event
        due = settings.get("landlord.report_days")
        payload.update(due_days=due, late_days=rental.days_late(event_on, local_today(), due))
    payload = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in payload.items()}
    change = ChangeRequest(kind=kind, source="landlord", person_id=person_id, grid_id=dwelling.grid_id,
                           payload={**payload, "dwelling_id": dwelling.id}, requested_by_id=user.id)
    db.session.add(change)
    db.session.flush()
    audit.record(actor, "report.submit", "change_request", change.id, None,
                 {"kind": kind, "person_id": person_id, "dwelling_id": dwelling.id})
    db.session.commit()
    return change


def _note(text: str | None) -> str | None:
    return (text or "").strip()[:200] or None


def dispute(actor: Actor, user: User, tenancy_id: int, reason: str, on: dt.date | None = None,
            note: str | None = None) -> ChangeRequest:
    """"Not my tenant" or "left on …" about a tenancy the coordinator recorded."""
    tenancy = _open_tenancy(user, tenancy_id)
    if reason not in dict(rental.DISPUTE_REASONS):
        raise ValidationFailed({"reason": N_("请选择原因")})
    if tenancy.confirmed_by_landlord_at is not None:
        raise ValidationFailed({"reason": N_("您已确认过此租客；如已搬走，请报告搬离")})
    if _waiting(tenancy) is not None:
        raise ValidationFailed({"reason": N_("您对此记录的报告正在等待网格员处理")})
    payload = {"tenancy_id": tenancy.id, "dispute": reason, "note": _note(note)}
    if reason == "left":
        payload["on"] = on = _event_date(on, tenancy)
    return _submit(actor, user, "tenancy_dispute", tenancy.dwelling, payload, tenancy.person_id,
                   on if reason == "left" else None)


def report_departure(actor: Actor, user: User, tenancy_id: int, on: dt.date | None,
                     destination: str | None = None, note: str | None = None) -> ChangeRequest:
    tenancy = _open_tenancy(user, tenancy_id)
    if _waiting(tenancy) is not None:
        raise ValidationFailed({"on": N_("您对此记录的报告正在等待网格员处理")})
    on = _event_date(on, tenancy)
    payload = {"tenancy_id": tenancy.id, "on": on, "destination": (destination or "").strip()[:200] or None,
               "note": _note(note)}
    return _submit(actor, user, "tenant_departure", tenancy.dwelling, payload, tenancy.person_id, on)


def report_arrival(actor: Actor, user: User, dwelling_id: int, fields: dict) -> ChangeRequest:
    """A new tenant, checked like a registration's input; the coordinator registers them."""
    dwelling = scope.get_landlord_dwelling(user, dwelling_id)
    errors = {}
    name = (fields.get("name") or "").strip()
    if not name:
        errors["name"] = N_("请填写姓名")
    try:
        id_number = parse_id_number(fields.get("id_number") or "").number
    except InvalidIdNumber as exc:
        errors["id_number"], id_number = exc.message, None
    phone = fields.get("phone") or None
    if phone:
        try:
            phone = normalise_mobile(phone)
        except InvalidPhone as exc:
            errors["phone"] = str(exc)
    try:
        on = _event_date(fields.get("on"))
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    if db.session.scalar(select(Person.id).where(Person.id_number == id_number, Person.dwelling_id == dwelling.id,
                                                 Person.status == "present")):
        raise ValidationFailed({"id_number": N_("此人已登记在该房屋")})
    if any(c.kind == "tenant_arrival" and c.payload.get("id_number") == id_number for c in _pending_reports(user)):
        raise ValidationFailed({"id_number": N_("您已报告过此人，正在等待网格员处理")})
    payload = {"name": name[:64], "id_number": id_number, "phone": phone,
               "room": (fields.get("room") or "").strip()[:20] or None, "on": on, "note": _note(fields.get("note"))}
    return _submit(actor, user, "tenant_arrival", dwelling, payload, None, on)
