"""The review queue: changes reported by migrants (and transfer requests) wait here
for staff of the grid they concern, who accept (possibly after editing) or reject them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..domain.choices import DEPARTURE_REASONS, codes
from ..domain.phone import normalise_mobile
from ..extensions import db
from ..models import Area, AreaLevel, ChangeRequest, Person, User
from . import audit, scope, transfers
from .context import Actor
from .dwellings import resolve_dwelling
from .errors import NotFound, ValidationFailed
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


def diff(change: ChangeRequest) -> list[DiffRow]:
    """What would change, as before/after rows."""
    p, data = change.person, change.payload
    if change.kind == "address":
        rows = [DiffRow("address", f"{p.dwelling.address if p.dwelling else ''} {p.room or ''}".strip(),
                        data.get("address")), DiffRow("on", None, data.get("on"))]
        if data.get("phone") and data["phone"] != p.phone:
            rows.append(DiffRow("phone", p.phone, data["phone"]))
        return rows
    if change.kind == "departure":
        return [DiffRow("status", "present", "left"), DiffRow("on", None, data.get("on")),
                DiffRow("destination", None, data.get("destination")), DiffRow("reason", None, data.get("reason"))]
    if change.kind == "phone":
        return [DiffRow("phone", p.phone, data.get("phone"))]
    if change.kind == "transfer":
        to_grid = db.session.get(Area, int(data["to_grid_id"]))
        return [DiffRow("grid", p.grid.label if p.grid else "", to_grid.label if to_grid else "")]
    return []


def _date(value, field: str) -> dt.date:
    try:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed({field: "日期格式不正确"}) from None


def _set_phone(actor: Actor, person: Person, phone: str | None) -> None:
    if not phone or phone == person.phone:
        return
    try:
        phone = normalise_mobile(phone)
    except ValueError as exc:
        raise ValidationFailed({"phone": str(exc)}) from None
    audit.record(actor, "person.update", "person", person.id, {"phone": person.phone}, {"phone": phone})
    person.phone = phone


def accept(actor: Actor, user: User, change_id: int, edits: dict | None = None) -> ChangeRequest:
    """Apply the change, with the reviewer's edits laid over what was reported."""
    change = get(user, change_id)
    if change.status != "pending":
        raise ValidationFailed({"status": "该申请已处理"})
    data = {**change.payload, **{k: v for k, v in (edits or {}).items() if v not in (None, "")}}
    person = change.person
    if change.kind == "transfer":
        transfers.apply(actor, change)
    elif change.kind == "phone":
        _set_phone(actor, person, data.get("phone"))
    elif change.kind == "departure":
        reason = data.get("reason") if data.get("reason") in codes(DEPARTURE_REASONS) else "other"
        apply_departure(actor, person, _date(data.get("on"), "on"), data.get("destination"), reason,
                        note="本人报告")
    elif change.kind == "address":
        grid = scope.get_grid(user, int(data.get("grid_id") or change.grid_id))
        new_dwelling = None if data.get("dwelling_id") else {"address": data.get("address"), "kind": data.get("kind") or "rental"}
        dwelling = resolve_dwelling(actor, user, grid, data.get("dwelling_id"), new_dwelling)
        apply_move(actor, person, grid, dwelling, _date(data.get("on"), "on"), data.get("room"), note="本人报告")
        _set_phone(actor, person, data.get("phone"))
    change.payload = {**change.payload, "accepted_as": {k: (v.isoformat() if isinstance(v, dt.date) else v)
                                                        for k, v in (edits or {}).items()}}
    change.close("accepted", actor.user_id)
    audit.record(actor, "review.accept", "change_request", change.id, None, {"kind": change.kind, "edits": edits or {}})
    db.session.commit()
    return change


def reject(actor: Actor, user: User, change_id: int, reason: str | None) -> ChangeRequest:
    change = get(user, change_id)
    if change.status != "pending":
        raise ValidationFailed({"status": "该申请已处理"})
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "请填写拒绝理由"})
    change.close("rejected", actor.user_id, reason.strip()[:200])
    audit.record(actor, "review.reject", "change_request", change.id, None, {"reason": change.reason})
    db.session.commit()
    return change


def forward(actor: Actor, user: User, change_id: int, grid_id: int) -> ChangeRequest:
    """Hand a reported move to the grid the person moved into (any grid of the deployment)."""
    change = get(user, change_id)
    grid = db.session.get(Area, grid_id)
    if change.status != "pending" or change.kind != "address":
        raise ValidationFailed({"grid_id": "只有迁居报告可以转交"})
    if grid is None or grid.level != AreaLevel.GRID.value:
        raise ValidationFailed({"grid_id": "请选择网格"})
    audit.record(actor, "review.forward", "change_request", change.id, {"grid_id": change.grid_id}, {"grid_id": grid.id})
    change.grid_id = grid.id
    db.session.commit()
    return change


def all_grids() -> list[Area]:
    """Forwarding targets: every grid (names are not personal data)."""
    return list(db.session.scalars(select(Area).where(Area.level == AreaLevel.GRID.value).order_by(Area.code)))
