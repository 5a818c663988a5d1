"""Dwellings and their landlords."""
from __future__ import annotations

from sqlalchemy import func, select

from ..domain.idcard import parse_id_number
from ..domain.phone import normalise_mobile
from ..extensions import db
from ..models import Area, Dwelling, Landlord, Person, User
from . import audit, scope
from .context import Actor
from .errors import NotFound, ValidationFailed
from .search import Page, like_prefix


def _landlord(actor: Actor, name: str | None, phone: str | None, id_number: str | None) -> Landlord | None:
    """Find the landlord by phone (one account per phone later) or add one."""
    name = (name or "").strip()
    if not name and not phone:
        return None
    errors = {}
    if not name:
        errors["landlord_name"] = "请填写房东姓名"
    try:
        phone = normalise_mobile(phone)
    except ValueError as exc:
        errors["landlord_phone"] = str(exc)
    if id_number:
        try:
            id_number = parse_id_number(id_number).number
        except ValueError as exc:
            errors["landlord_id_number"] = str(exc)
    if errors:
        raise ValidationFailed(errors)
    landlord = db.session.scalars(select(Landlord).where(Landlord.phone == phone)).first()
    if landlord is None:
        landlord = Landlord(name=name, phone=phone, id_number=id_number or None)
        db.session.add(landlord)
        db.session.flush()
        audit.record(actor, "landlord.create", "landlord", landlord.id, None, audit.snapshot(landlord))
    elif id_number and not landlord.id_number:
        landlord.id_number = id_number
    return landlord


def create(actor: Actor, user: User, grid: Area, data: dict, *, commit: bool = True) -> Dwelling:
    address = (data.get("address") or "").strip()
    if not address:
        raise ValidationFailed({"address": "请填写住所地址"})
    rooms = data.get("rooms")
    if rooms is not None and not (0 < int(rooms) <= 999):
        raise ValidationFailed({"rooms": "房间数应在 1 到 999 之间"})
    landlord = _landlord(actor, data.get("landlord_name"), data.get("landlord_phone"),
                         data.get("landlord_id_number"))
    dwelling = Dwelling(grid_id=grid.id, address=address, kind=data.get("kind") or "rental",
                        rooms=rooms, landlord=landlord, created_by_id=actor.user_id)
    db.session.add(dwelling)
    db.session.flush()
    audit.record(actor, "dwelling.create", "dwelling", dwelling.id, None, audit.snapshot(dwelling))
    if commit:
        db.session.commit()
    return dwelling


def resolve_dwelling(actor: Actor, user: User, grid: Area, dwelling_id: int | None,
                     new_dwelling: dict | None) -> Dwelling | None:
    """The dwelling picked from the grid, or a new one created inline (not committed)."""
    if new_dwelling and (new_dwelling.get("address") or "").strip():
        return create(actor, user, grid, new_dwelling, commit=False)
    if dwelling_id:
        try:
            dwelling = scope.get_dwelling(user, int(dwelling_id))
        except NotFound:
            raise ValidationFailed({"dwelling_id": "所选住所不存在或不在您的网格"}) from None
        if dwelling.grid_id != grid.id:
            raise ValidationFailed({"dwelling_id": "所选住所不在该网格"})
        return dwelling
    return None


def in_grid(grid_id: int) -> list[Dwelling]:
    return list(db.session.scalars(
        select(Dwelling).where(Dwelling.grid_id == grid_id).order_by(Dwelling.address, Dwelling.id)))


def search(user: User, *, q: str = "", grid_id: int | None = None, page: int = 1, per_page: int = 20):
    """Dwellings in scope, by address, with the number of people living there now."""
    stmt = scope.dwellings(user)
    if grid_id:
        stmt = stmt.where(Dwelling.grid_id == grid_id)
    if q.strip():
        stmt = stmt.where(Dwelling.address.like("%" + like_prefix(q.strip()), escape="\\"))
    total = db.session.scalar(stmt.with_only_columns(func.count(), maintain_column_froms=True).order_by(None))
    occupants = (select(func.count()).where(Person.dwelling_id == Dwelling.id, Person.status == "present")
                 .correlate(Dwelling).scalar_subquery())
    rows = db.session.execute(
        stmt.add_columns(occupants).order_by(Dwelling.address, Dwelling.id)
        .limit(per_page).offset((max(page, 1) - 1) * per_page)).all()
    return Page([(d, n) for d, n in rows], total, max(page, 1), per_page)


def occupants(dwelling: Dwelling):
    return list(db.session.scalars(select(Person).where(
        Person.dwelling_id == dwelling.id, Person.status == "present").order_by(Person.room, Person.name)))
