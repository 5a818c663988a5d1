"""The review queue: changes reported by migrants and landlords (and transfer requests)
wait here for staff of the grid they concern, who accept (possibly after editing) or
reject them.

Each kind of change has a ``Handler`` in ``HANDLERS``: how to show it as before/after rows
and how to apply it. The queue, the decisions and their audit are the same for all.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ...domain import rental
from ...domain.choices import DEPARTURE_REASONS, codes
from ...domain.clock import local_today
from ...domain.events import event_date_problem
from ...domain.idcard import InvalidIdNumber, parse_id_number
from ...domain.masking import mask_id_number
from ...domain.phone import normalise_mobile
from ...domain.text import N_, Message
from ...extensions import db
from ...models import Area, AreaLevel, ChangeRequest, Dwelling, Person, Tenancy, User
from .. import scope
from ..common import audit
from ..common.context import Actor
from ..common.errors import NotFound, ValidationFailed
from . import people, registration, transfers
from .dwellings import resolve_dwelling
from .people import apply_departure, apply_move


def pending(user: User) -> list[ChangeRequest]:
    stmt = (select(ChangeRequest).options(joinedload(ChangeRequest.person).joinedload(Person.dwelling))
            .where(ChangeRequest.status == "pending"))
    condition = scope.grid_filter(user, ChangeRequest.grid_id)
    if condition is not None:
        stmt = stmt.where(condition)
    return list(db.session.scalars(stmt.order_by(ChangeRequest.created_at)))


def get(user: User, change_id: int) -> ChangeRequest:
    stmt = select(ChangeRequest).where(ChangeRequest.id == change_id)
    condition = scope.grid_filter(user, ChangeRequest.grid_id)
    if condition is not None:
        stmt = stmt.where(condition)
    change = db.session.scalars(stmt).first()
    if change is None:
        raise NotFound("change_request")
    return change


@dataclass
class DiffRow:
    field: str  # a key the template turns into a label
    before: object
    after: object


def _date(value, field: str) -> dt.date:
    try:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed({field: N_("日期格式不正确")}) from None


def _set_phone(actor: Actor, person: Person, phone: str | None) -> None:
    if not phone or phone == person.phone:
        return
    try:
        phone = normalise_mobile(phone)
    except ValueError as exc:
        raise ValidationFailed({"phone": str(exc)}) from None
    audit.record(actor, "person.update", "person", person.id, {"phone": person.phone}, {"phone": phone})
    person.phone = phone


def _departure_reason(data: dict) -> str:
    return data.get("reason") if data.get("reason") in codes(DEPARTURE_REASONS) else "other"


def _home(person: Person) -> str:
    return f"{person.dwelling.address if person.dwelling else ''} {person.room or ''}".strip()


# -- Migrants' self-reports and transfers ------------------------------------------------------

def _diff_address(change: ChangeRequest) -> list[DiffRow]:
    p, data = change.person, change.payload
    rows = [DiffRow("address", _home(p), data.get("address")), DiffRow("on", None, data.get("on"))]
    if data.get("phone") and data["phone"] != p.phone:
        rows.append(DiffRow("phone", p.phone, data["phone"]))
    return rows


def _apply_address(actor: Actor, user: User, change: ChangeRequest, data: dict) -> None:
    grid = scope.get_grid(user, int(data.get("grid_id") or change.grid_id))
    new_dwelling = None if data.get("dwelling_id") else {"address": data.get("address"), "kind": data.get("kind") or "rental"}
    dwelling = resolve_dwelling(actor, user, grid, data.get("dwelling_id"), new_dwelling)
    apply_move(actor, change.person, grid, dwelling, _date(data.get("on"), "on"), data.get("room"), note="本人报告")
    _set_phone(actor, change.person, data.get("phone"))


def _diff_departure(change: ChangeRequest) -> list[DiffRow]:
    data = change.payload
    return [DiffRow("status", "present", "left"), DiffRow("on", None, data.get("on")),
            DiffRow("destination", None, data.get("destination")), DiffRow("reason", None, data.get("reason"))]


def _apply_departure(actor: Actor, user: User, change: ChangeRequest, data: dict) -> None:
    apply_departure(actor, change.person, _date(data.get("on"), "on"), data.get("destination"),
                    _departure_reason(data), note="本人报告")


def _diff_phone(change: ChangeRequest) -> list[DiffRow]:
    return [DiffRow("phone", change.person.phone, change.payload.get("phone"))]


def _apply_phone(actor: Actor, user: User, change: ChangeRequest, data: dict) -> None:
    _set_phone(actor, change.person, data.get("phone"))


def _diff_transfer(change: ChangeRequest) -> list[DiffRow]:
    p = change.person
    to_grid = db.session.get(Area, int(change.payload["to_grid_id"]))
    grids = [g for g in (p.grid, to_grid) if g is not None]
    across = len({g.township_id for g in grids}) > 1  # a transfer comes from another township
    name = (lambda g: (g.path_label if across else g.label) if g else "")
    return [DiffRow("grid", name(p.grid), name(to_grid))]


def _apply_transfer(actor: Actor, user: User, change: ChangeRequest, data: dict) -> None:
    transfers.apply(actor, change)


# -- Landlords' reports ----------------------------------------------------------------------------

def _reported_dwelling(change: ChangeRequest) -> Dwelling | None:
    dwelling_id = change.payload.get("dwelling_id")
    return db.session.get(Dwelling, int(dwelling_id)) if dwelling_id else None


def _diff_arrival(change: ChangeRequest) -> list[DiffRow]:
    data, dwelling = change.payload, _reported_dwelling(change)
    place = f"{dwelling.address if dwelling else ''} {data.get('room') or ''}".strip()
    return [DiffRow("name", None, data.get("name")), DiffRow("id_number", None, mask_id_number(data.get("id_number"))),
            DiffRow("phone", None, data.get("phone")), DiffRow("address", None, place),
            DiffRow("on", None, data.get("on"))]


def _confirm_tenancy(person: Person, dwelling: Dwelling, since: dt.datetime) -> None:
    """The landlord reported this tenant: their tenancy counts as confirmed."""
    for tenancy in db.session.scalars(select(Tenancy).where(
            Tenancy.person_id == person.id, Tenancy.dwelling_id == dwelling.id, Tenancy.end_on.is_(None))):
        tenancy.confirmed_by_landlord_at = since


def _apply_arrival(actor: Actor, user: User, change: ChangeRequest, data: dict) -> None:
    """Register the new tenant, with the registration's duplicate check; or, when the
    reviewer says so, record an already registered person's move into the dwelling."""
    dwelling = _reported_dwelling(change)
    try:
        dwelling = scope.get_dwelling(user, dwelling.id) if dwelling else None
    except NotFound:
        dwelling = None
    if dwelling is None:
        raise ValidationFailed({"status": N_("该房屋不在您的网格")})
    on = _date(data.get("on"), "on")
    existing = people.check_duplicates(user, data.get("id_number"), "", None).same_id
    if data.get("move_existing") and existing is not None and existing.in_scope:
        person = scope.get_person(user, existing.person_id)
        apply_move(actor, person, dwelling.grid, dwelling, on, data.get("room"), note="房东报告")
        _set_phone(actor, person, data.get("phone"))
    else:
        fields = {"id_number": data.get("id_number"), "name": data.get("name"), "phone": data.get("phone"),
                  "arrived_on": on, "collected_at": change.created_at}
        person = registration.apply(actor, user, fields, dwelling.grid_id, dwelling_id=dwelling.id,
                                    room=data.get("room"), accept_namesake=bool(data.get("accept_namesake")))
    db.session.flush()
    _confirm_tenancy(person, dwelling, change.created_at)
    change.person_id = person.id


def _reported_tenancy(change: ChangeRequest) -> Tenancy:
    tenancy = db.session.get(Tenancy, int(change.payload.get("tenancy_id") or 0))
    if tenancy is None or tenancy.end_on is not None or tenancy.person_id != change.person_id:
        raise ValidationFailed({"status": N_("该租住记录已结束，请拒绝此报告")})
    return tenancy


def _diff_landlord_departure(change: ChangeRequest) -> list[DiffRow]:
    data, p = change.payload, change.person
    return [DiffRow("address", _home(p), None), DiffRow("status", "present", "left"),
            DiffRow("on", None, data.get("on")), DiffRow("destination", None, data.get("destination"))]


def _apply_landlord_departure(actor: Actor, user: User, change: ChangeRequest, data: dict) -> None:
    _reported_tenancy(change)
    data = {**data, "reason": data.get("reason") or "unknown"}
    apply_departure(actor, change.person, _date(data.get("on"), "on"), data.get("destination"),
                    _departure_reason(data), note="房东报告")


def _diff_dispute(change: ChangeRequest) -> list[DiffRow]:
    reason = change.payload.get("dispute")
    rows = [DiffRow("dispute", None, dict(rental.DISPUTE_REASONS).get(reason, ""))]
    if reason == "left":
        return rows + _diff_landlord_departure(change)
    return rows + [DiffRow("address", _home(change.person), None)]


def _apply_dispute(actor: Actor, user: User, change: ChangeRequest, data: dict) -> None:
    if change.payload.get("dispute") == "left":
        _apply_landlord_departure(actor, user, change, data)
        return
    # "Not my tenant": the record put the person in the wrong dwelling. The tenancy is
    # void and the person stays registered without a dwelling until the coordinator
    # records where they really live.
    tenancy, person = _reported_tenancy(change), change.person
    tenancy.end_on = tenancy.start_on
    before = audit.snapshot(person, ["dwelling_id", "room"])
    if person.dwelling_id == tenancy.dwelling_id:
        person.dwelling_id, person.room = None, None
    db.session.flush()
    audit.record(actor, "tenancy.void", "tenancy", tenancy.id, None, {"person_id": person.id, "reason": "not_my_tenant"})
    audit.record(actor, "person.update", "person", person.id, before, audit.snapshot(person, ["dwelling_id", "room"]))


@dataclass(frozen=True)
class Handler:
    diff: Callable[[ChangeRequest], list[DiffRow]]
    apply: Callable[[Actor, User, ChangeRequest, dict], None]


HANDLERS: dict[str, Handler] = {
    "transfer": Handler(_diff_transfer, _apply_transfer),
    "address": Handler(_diff_address, _apply_address),
    "departure": Handler(_diff_departure, _apply_departure),
    "phone": Handler(_diff_phone, _apply_phone),
    "tenant_arrival": Handler(_diff_arrival, _apply_arrival),
    "tenant_departure": Handler(_diff_landlord_departure, _apply_landlord_departure),
    "tenancy_dispute": Handler(_diff_dispute, _apply_dispute),
}


def diff(change: ChangeRequest) -> list[DiffRow]:
    """What would change, as before/after rows."""
    handler = HANDLERS.get(change.kind)
    return handler.diff(change) if handler else []


DATED_EVENTS = ("address", "departure", "tenant_departure", "tenancy_dispute")  # a move or a departure, on a date


def date_problem(change: ChangeRequest) -> Message | None:
    """Why accepting the reported date would be refused (``domain.events``), or None: a
    report made before the card page checked it, or a record changed since. The review
    page shows it on the date field, for the reviewer to correct there."""
    on, person = change.payload.get("on"), change.person
    if change.kind not in DATED_EVENTS or not on or person is None or change.status != "pending":
        return None
    try:
        on = _date(on, "on")
    except ValidationFailed as exc:
        return Message(exc.errors["on"])
    return event_date_problem(on, local_today(), arrived_on=person.arrived_on)


def duplicates(user: User, change: ChangeRequest):
    """For a reported new tenant: the registration's duplicate check, as the reviewer sees it."""
    if change.kind != "tenant_arrival":
        return None
    data = change.payload
    born = None
    if data.get("id_number"):
        try:
            born = parse_id_number(data["id_number"]).birth_date
        except InvalidIdNumber:
            born = None
    return people.check_duplicates(user, data.get("id_number"), data.get("name") or "", born)


def _claim(user: User, change_id: int) -> ChangeRequest:
    """The pending request, taken for this transaction: a conditional UPDATE locks its row
    (PostgreSQL) or the database (SQLite), so a second reviewer deciding at the same moment
    waits for the first to commit and then finds it handled — it is applied once."""
    change = get(user, change_id)
    table = ChangeRequest.__table__
    taken = db.session.execute(update(table).where(table.c.id == change.id, table.c.status == "pending")
                               .values(status="pending")).rowcount
    if not taken:
        db.session.rollback()
        raise ValidationFailed({"status": N_("该申请已处理")})
    db.session.refresh(change)
    return change


def accept(actor: Actor, user: User, change_id: int, edits: dict | None = None) -> ChangeRequest:
    """Apply the change, with the reviewer's edits laid over what was reported."""
    change = _claim(user, change_id)
    handler = HANDLERS.get(change.kind)
    if handler is None:
        raise ValidationFailed({"status": N_("未知的申请类型")})
    data = {**change.payload, **{k: v for k, v in (edits or {}).items() if v not in (None, "")}}
    handler.apply(actor, user, change, data)
    change.payload = {**change.payload, "accepted_as": {k: (v.isoformat() if isinstance(v, dt.date) else v)
                                                        for k, v in (edits or {}).items()}}
    change.close("accepted", actor.user_id)
    audit.record(actor, "review.accept", "change_request", change.id, None, {"kind": change.kind, "edits": edits or {}})
    db.session.commit()
    return change


def reject(actor: Actor, user: User, change_id: int, reason: str | None) -> ChangeRequest:
    if not (reason or "").strip():
        raise ValidationFailed({"reason": N_("请填写拒绝理由")})
    change = _claim(user, change_id)
    change.close("rejected", actor.user_id, reason.strip()[:200])
    audit.record(actor, "review.reject", "change_request", change.id, None, {"reason": change.reason})
    db.session.commit()
    return change


def forward(actor: Actor, user: User, change_id: int, grid_id: int) -> ChangeRequest:
    """Hand a reported move to the grid the person moved into (any grid of the deployment)."""
    change = _claim(user, change_id)
    grid = db.session.get(Area, grid_id)
    if change.kind != "address":
        raise ValidationFailed({"grid_id": N_("只有迁居报告可以转交")})
    if grid is None or grid.level != AreaLevel.GRID.value:
        raise ValidationFailed({"grid_id": N_("请选择网格")})
    audit.record(actor, "review.forward", "change_request", change.id, {"grid_id": change.grid_id}, {"grid_id": grid.id})
    change.grid_id = grid.id
    db.session.commit()
    return change


def all_grids() -> list[Area]:
    """Forwarding targets: every grid (names are not personal data)."""
    return list(db.session.scalars(select(Area).where(Area.level == AreaLevel.GRID.value).order_by(Area.code)))
