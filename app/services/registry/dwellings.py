"""Dwellings and their landlords."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from ...domain import choices
from ...domain.idcard import parse_id_number
from ...domain.phone import normalise_mobile
from ...domain.text import N_
from ...extensions import db
from ...models import Area, Dwelling, Landlord, Person, User
from .. import scope
from ..common import audit
from ..common.context import Actor
from ..common.errors import NotFound, ValidationFailed
from ..common.locking import check_version, commit_or_stale, flush_or_stale
from ..common import paging
from ..common.paging import Cursor, Seek
from .search import like_anywhere


def _checked_landlord(name: str | None, phone: str | None,
                      id_number: str | None) -> tuple[str, str, str | None] | None:
    """The landlord fields, normalised; None when name and phone are both blank (no landlord)."""
    name = (name or "").strip()
    if not name and not phone:
        return None
    errors = {}
    if not name:
        errors["landlord_name"] = N_("请填写房东姓名")
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
    return name, phone, id_number or None


def _find_or_add_landlord(actor: Actor, name: str, phone: str, id_number: str | None) -> Landlord:
    landlord = db.session.scalars(select(Landlord).where(Landlord.phone == phone)).first()
    if landlord is None:
        landlord = Landlord(name=name, phone=phone, id_number=id_number)
        db.session.add(landlord)
        db.session.flush()
        audit.record(actor, "landlord.create", "landlord", landlord.id, None, audit.snapshot(landlord))
    elif id_number and not landlord.id_number:
        landlord.id_number = id_number
    return landlord


def _landlord(actor: Actor, name: str | None, phone: str | None, id_number: str | None) -> Landlord | None:
    """Find the landlord by phone (one account per phone later) or add one."""
    checked = _checked_landlord(name, phone, id_number)
    return _find_or_add_landlord(actor, *checked) if checked else None


def _checked_place(data: dict) -> tuple[str, str, int | None]:
    """Address, kind and rooms of a dwelling as typed, checked."""
    address = (data.get("address") or "").strip()
    if not address:
        raise ValidationFailed({"address": N_("请填写住所地址")})
    kind = data.get("kind") or "rental"
    if kind not in {code for code, _ in choices.DWELLING_KINDS}:
        raise ValidationFailed({"kind": N_("请选择住所类型")})
    rooms = data.get("rooms")
    try:
        rooms = None if rooms in (None, "") else int(rooms)
    except (TypeError, ValueError):
        rooms = 0
    if rooms is not None and not 0 < rooms <= 999:
        raise ValidationFailed({"rooms": N_("房间数应在 1 到 999 之间")})
    return address, kind, rooms


def create(actor: Actor, user: User, grid: Area, data: dict, *, commit: bool = True) -> Dwelling:
    address, kind, rooms = _checked_place(data)
    landlord = _landlord(actor, data.get("landlord_name"), data.get("landlord_phone"),
                         data.get("landlord_id_number"))
    dwelling = Dwelling(grid_id=grid.id, address=address, kind=kind,
                        rooms=rooms, landlord=landlord, created_by_id=actor.user_id)
    db.session.add(dwelling)
    db.session.flush()
    audit.record(actor, "dwelling.create", "dwelling", dwelling.id, None, audit.snapshot(dwelling))
    if commit:
        db.session.commit()
    return dwelling


def _edited_landlord(actor: Actor, current: Landlord | None, data: dict) -> tuple[Landlord | None, bool]:
    """The landlord an edit names, and whether the current one was corrected in place.

    A landlord is known by phone, as on registration: the current landlord's phone keeps
    the landlord and corrects the name (and the ID number, when one is typed); another
    phone is another landlord, found or added — a new phone of the same person too, since
    the landlord's account signs in with the phone it was invited on. Blank name and phone:
    no landlord, which registration allows for every kind of dwelling.
    """
    checked = _checked_landlord(data.get("landlord_name"), data.get("landlord_phone"),
                                data.get("landlord_id_number"))
    if checked is None:
        return None, False
    name, phone, id_number = checked
    if current is None or phone != current.phone:
        return _find_or_add_landlord(actor, name, phone, id_number), False
    before = audit.snapshot(current)
    current.name, current.id_number = name, id_number or current.id_number
    old, new = audit.changed_only(before, audit.snapshot(current))
    if new:
        audit.record(actor, "landlord.update", "landlord", current.id, old, new)
    return current, bool(new)


def update(actor: Actor, user: User, dwelling_id: int, version: int | None, data: dict) -> Dwelling:
    """Correct a dwelling's address, kind, rooms or landlord; refuses a form opened on an
    older version. The grid stays: people move to another grid, dwellings do not."""
    dwelling = scope.get_dwelling(user, dwelling_id)
    check_version(dwelling, version)
    address, kind, rooms = _checked_place(data)
    before = audit.snapshot(dwelling)
    landlord, corrected = _edited_landlord(actor, dwelling.landlord, data)
    dwelling.address, dwelling.kind, dwelling.rooms, dwelling.landlord = address, kind, rooms, landlord
    if corrected:  # the landlord is part of this record: a correction counts as an edit of it
        flag_modified(dwelling, "landlord_id")
    flush_or_stale(dwelling)
    old, new = audit.changed_only(before, audit.snapshot(dwelling))
    if new:
        audit.record(actor, "dwelling.update", "dwelling", dwelling.id, old, new)
    commit_or_stale(dwelling)
    return dwelling


def edit_values(dwelling: Dwelling) -> dict:
    """What the edit form opens with. The landlord's ID number is not shown in full: left
    blank, it stays as recorded."""
    landlord = dwelling.landlord
    return {"address": dwelling.address, "kind": dwelling.kind, "rooms": dwelling.rooms,
            "landlord_name": landlord.name if landlord else "", "landlord_phone": landlord.phone if landlord else "",
            "landlord_id_number": ""}


def resolve_dwelling(actor: Actor, user: User, grid: Area, dwelling_id: int | None,
                     new_dwelling: dict | None) -> Dwelling | None:
    """The dwelling picked from the grid, or a new one created inline (not committed)."""
    if new_dwelling and (new_dwelling.get("address") or "").strip():
        return create(actor, user, grid, new_dwelling, commit=False)
    if dwelling_id:
        try:
            dwelling = scope.get_dwelling(user, int(dwelling_id))
        except NotFound:
            raise ValidationFailed({"dwelling_id": N_("所选住所不存在或不在您的网格")}) from None
        if dwelling.grid_id != grid.id:
            raise ValidationFailed({"dwelling_id": N_("所选住所不在该网格")})
        return dwelling
    return None


def in_grid(grid_id: int, q: str = "", limit: int | None = None) -> list[Dwelling]:
    """The grid's dwellings by address; with ``q``, those whose address contains it."""
    stmt = select(Dwelling).where(Dwelling.grid_id == grid_id)
    if q.strip():
        stmt = stmt.where(Dwelling.address.like(like_anywhere(q.strip()), escape="\\"))
    return list(db.session.scalars(stmt.order_by(Dwelling.address, Dwelling.id).limit(limit)))


def in_grid_by_id(grid_id: int, dwelling_id: int) -> Dwelling | None:
    return db.session.scalars(select(Dwelling).where(Dwelling.grid_id == grid_id, Dwelling.id == dwelling_id)).first()


def address_key(user: User, dwelling_id: int):
    """A dwelling's place in address order (a page link's cursor), if in scope."""
    return db.session.execute(scope.dwellings(user).with_only_columns(Dwelling.address, Dwelling.id)
                              .where(Dwelling.id == dwelling_id)).first()


def search(user: User, *, q: str = "", grid_id: int | None = None, cursor: Cursor = Cursor(), per_page: int = 20):
    """Dwellings in scope, by address, with the number of people living there now."""
    stmt = scope.dwellings(user)
    if grid_id:
        stmt = stmt.where(Dwelling.grid_id == grid_id)
    if q.strip():
        stmt = stmt.where(Dwelling.address.like(like_anywhere(q.strip()), escape="\\"))
    total = paging.total(stmt, cursor)
    occupants = (select(func.count()).where(Person.dwelling_id == Dwelling.id, Person.status == "present")
                 .correlate(Dwelling).scalar_subquery())
    seek = Seek.of(cursor, (Dwelling.address, Dwelling.id), per_page, lambda i: address_key(user, i))
    return seek.run(stmt.add_columns(occupants), total, lambda row: row[0].id, scalars=False) \
        .mapped(lambda row: (row[0], row[1]))


def occupants(dwelling: Dwelling):
    return list(db.session.scalars(select(Person).where(
        Person.dwelling_id == dwelling.id, Person.status == "present").order_by(Person.room, Person.name)))
