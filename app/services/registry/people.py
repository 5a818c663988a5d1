"""Registering people and recording what happens to them: edits, moves, departures."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

from ...domain import duplicates
from ...domain import merge as merge_rules
from ...domain.clock import local_today
from ...domain.events import event_date_problem
from ...domain.idcard import InvalidIdNumber, parse_id_number
from ...domain.text import N_
from ...extensions import db
from ...models import Area, Movement, Person, Relation, Tenancy, User
from .. import scope
from ..common import audit
from ..common.context import Actor
from ..common.errors import DuplicatePerson, EditConflict, NotFound, StaleEdit, ValidationFailed
from ..health import planning
from . import departures
from .dwellings import resolve_dwelling

# The fields a coordinator types; status, grid and dwelling change through events.
PERSON_FIELDS = (
    "id_number", "name", "sex", "birth_date", "ethnicity", "phone", "hukou_area_code",
    "hukou_address", "marital_status", "education", "occupation", "reason_for_coming",
    "arrived_on", "expected_stay", "employer", "collected_at",
)


def area_label(area: Area | None) -> str:
    """“某街道 某社区”: where a record is, without anything about the person."""
    if area is None:
        return ""
    names = []
    node = area.parent  # the community and township above the grid
    while node is not None and node.level in ("community", "township"):
        names.append(node.name)
        node = node.parent
    return " ".join(reversed(names)) or area.name


def grid_path(grid: Area | None) -> str:
    """“某街道 某社区 第1网格”: a grid named so that no other grid of the deployment reads the same."""
    if grid is None:
        return ""
    above = area_label(grid)
    return f"{above} {grid.name}" if above and above != grid.name else grid.name


def check_duplicates(user: User, id_number: str | None, name: str,
                     birth_date: dt.date | None, exclude_id: int | None = None):
    conditions = []
    if id_number:
        conditions.append(Person.id_number == id_number)
    if name and birth_date:
        conditions.append((Person.name == name) & (Person.birth_date == birth_date))
    if not conditions:
        return duplicates.DuplicateCheck()
    rows = db.session.scalars(select(Person).where(or_(*conditions)).limit(20)).all()
    candidates = [
        duplicates.Candidate(
            person_id=p.id, name=p.name, birth_date=p.birth_date, id_number=p.id_number,
            area_name=area_label(p.grid), in_scope=scope.may_see_grid(user, p.grid_id),
        )
        for p in rows
    ]
    return duplicates.classify(id_number, name, birth_date, candidates, exclude_id)


def validate_dates(fields: dict) -> None:
    today = local_today()
    errors = {}
    arrived = fields.get("arrived_on")
    if arrived and arrived > today:
        errors["arrived_on"] = N_("来本地日期不能在未来")
    born = fields.get("birth_date")
    if arrived and born and arrived < born:
        errors["arrived_on"] = N_("来本地日期早于出生日期")
    if errors:
        raise ValidationFailed(errors)


def normalise(fields: dict) -> dict:
    out = {k: fields.get(k) for k in PERSON_FIELDS if k in fields}
    for key, value in out.items():
        if isinstance(value, str):
            out[key] = value.strip() or None
    if out.get("id_number"):
        parsed = parse_id_number(out["id_number"])  # the form already did; never trust it
        out["id_number"] = parsed.number
        out["birth_date"] = parsed.birth_date
        out["sex"] = parsed.sex
    return out


def _check_version(person: Person, version: int | None) -> None:
    if version is not None and int(version) != person.version:
        raise StaleEdit(person)


def _commit_or_stale(person: Person) -> None:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        db.session.refresh(person)
        raise StaleEdit(person) from None


def opened_values(person: Person) -> dict:
    """The record as an edit form shows it when opened, for ``update`` to merge against if
    someone saves first. The identity number only as a keyed digest: the form carries
    this, and the page must not hold a number it masks."""
    values = {name: merge_rules.comparable(getattr(person, name)) for name in PERSON_FIELDS}
    values["id_number"] = _id_digest(person.id_number)
    return values


def _id_digest(number: str | None) -> str | None:
    if not number:
        return None
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"person.id_number:" + number.encode(), hashlib.sha256).hexdigest()[:32]


def _born_from_id(number: str | None) -> dict:
    """Birth date and sex as the stored identity number gives them (it is not being edited)."""
    try:
        parsed = parse_id_number(number) if number else None
    except InvalidIdNumber:  # an old record's bad number: the quality monitor lists it
        return {}
    return {"birth_date": parsed.birth_date, "sex": parsed.sex} if parsed else {}


def _merged(person: Person, data: dict, opened: dict) -> merge_rules.Merge:
    theirs = {name: getattr(person, name) for name in data}
    mine = dict(data)
    if "id_number" in mine:
        mine["id_number"], theirs["id_number"] = _id_digest(data["id_number"]), _id_digest(person.id_number)
    merge = merge_rules.three_way(opened, mine, theirs)
    if "id_number" in merge.mine:
        merge.mine["id_number"] = data["id_number"]
    if "id_number" in merge.conflicts:
        merge.conflicts["id_number"] = (data["id_number"], person.id_number)
    return merge


def update(actor: Actor, user: User, person_id: int, version: int, fields: dict,
           opened: dict | None = None) -> merge_rules.Merge:
    """Edit a person's details; ``fields`` without ``id_number`` leave the number as it is.

    A form opened on an older version is merged with what was saved since (``opened``: the
    values it showed, from ``opened_values``): the fields this user changed are written,
    those only the other changed keep the other's value, and fields both changed raise
    ``EditConflict`` with nothing written. Without ``opened`` an older version raises
    ``StaleEdit``. Returns the merge: what was written and whose changes were kept.
    """
    for last_try in (False, True):
        person = scope.get_person(user, person_id)
        data = normalise(fields)
        if "id_number" not in data:
            data.update(_born_from_id(person.id_number))
        if version is not None and int(version) != person.version:
            if opened is None:
                raise StaleEdit(person)
            merge = _merged(person, data, opened)
            if merge.conflicts:
                raise EditConflict(person, merge)
        else:
            merge = merge_rules.Merge(mine=data)
        try:
            changed = _write(actor, user, person, merge.mine)
            db.session.commit()
        except StaleDataError:  # saved by someone else between our read and our write
            db.session.rollback()
            db.session.refresh(person)
            if opened is None:
                raise StaleEdit(person) from None
            if last_try:
                raise EditConflict(person, _merged(person, data, opened)) from None
            continue  # merge again with what they saved: fields only one of us changed both land
        break
    if changed:
        planning.refresh_person(actor, person.id)  # a marriage or a corrected birth date changes services
    return merge


def _write(actor: Actor, user: User, person: Person, values: dict) -> bool:
    """Set the values that differ from the record, checked and audited; whether any did."""
    if values.get("id_number") and values["id_number"] != person.id_number:
        check = check_duplicates(user, values["id_number"], "", None, exclude_id=person.id)
        if check.blocking:
            raise DuplicatePerson(check)
    validate_dates({name: values.get(name, getattr(person, name)) for name in ("arrived_on", "birth_date")})
    before = audit.snapshot(person)
    for key, value in values.items():
        if not merge_rules.same(value, getattr(person, key)):
            setattr(person, key, value)
    db.session.flush()
    old, new = audit.changed_only(before, audit.snapshot(person))
    if new:
        audit.record(actor, "person.update", "person", person.id, old, new)
    return bool(new)


def _close_tenancy(person: Person, on: dt.date) -> None:
    open_rows = db.session.scalars(
        select(Tenancy).where(Tenancy.person_id == person.id, Tenancy.end_on.is_(None))
    )
    for tenancy in open_rows:
        tenancy.end_on = on


def _event_date(on: dt.date | None, person: Person, field: str) -> dt.date:
    on = on or local_today()
    problem = event_date_problem(on, local_today(), arrived_on=person.arrived_on)
    if problem:
        raise ValidationFailed({field: problem})
    return on


def move(actor: Actor, user: User, person_id: int, version: int, on: dt.date | None,
         grid_id: int, *, dwelling_id: int | None = None, new_dwelling: dict | None = None,
         room: str | None = None, note: str | None = None) -> Person:
    """Record a move to another dwelling in one of the user's grids."""
    person = scope.get_person(user, person_id)
    _check_version(person, version)
    grid = scope.get_grid(user, grid_id)
    apply_move(actor, person, grid, resolve_dwelling(actor, user, grid, dwelling_id, new_dwelling), on, room, note)
    _commit_or_stale(person)
    return person


def apply_move(actor: Actor, person: Person, grid: Area, dwelling, on: dt.date | None,
               room: str | None = None, note: str | None = None) -> None:
    """The move itself, checked and audited, not committed (also used by the review queue)."""
    if not person.present:
        raise ValidationFailed({"on": N_("此人已注销，不能登记迁移")})
    on = _event_date(on, person, "on")
    if dwelling is None:
        raise ValidationFailed({"dwelling_id": N_("请选择或新建住所")})
    if dwelling.id == person.dwelling_id:
        raise ValidationFailed({"dwelling_id": N_("新住所与现住所相同")})
    fields = ["grid_id", "dwelling_id", "room"]
    before = audit.snapshot(person, fields)
    db.session.add(Movement(person_id=person.id, kind="move", on_date=on,
                            from_dwelling_id=person.dwelling_id, to_dwelling_id=dwelling.id,
                            from_grid_id=person.grid_id, to_grid_id=grid.id, note=note,
                            recorded_by_id=actor.user_id))
    _close_tenancy(person, on)
    db.session.add(Tenancy(person_id=person.id, dwelling_id=dwelling.id, room=room, start_on=on))
    person.grid_id, person.dwelling, person.room = grid.id, dwelling, room
    db.session.flush()
    audit.record(actor, "person.move", "person", person.id, before, audit.snapshot(person, fields))


def depart(actor: Actor, user: User, person_id: int, version: int, on: dt.date | None,
           destination: str | None, reason: str | None, note: str | None = None) -> Person:
    """注销: the person has left; their tenancy ends and they leave the work lists."""
    person = scope.get_person(user, person_id)
    _check_version(person, version)
    try:
        apply_departure(actor, person, on, destination, reason, note)
    except StaleDataError:
        db.session.rollback()
        db.session.refresh(person)
        raise StaleEdit(person) from None
    _commit_or_stale(person)
    return person


def apply_departure(actor: Actor, person: Person, on: dt.date | None, destination: str | None,
                    reason: str | None, note: str | None = None) -> None:
    """The departure, checked and written (``departures.write``), not committed; the card
    stops working and the planned services are cancelled."""
    if not person.present:
        raise ValidationFailed({"on": N_("此人已注销")})
    on = _event_date(on, person, "on")
    db.session.flush()  # what the caller changed first is written, at the version checked below
    departures.write(actor, [departures.Departure(
        person_id=person.id, on=on, grid_id=person.grid_id, dwelling_id=person.dwelling_id,
        destination=destination, reason=reason, note=note, version=person.version)])
    db.session.expire(person)


def link_relative(actor: Actor, user: User, person_id: int, relative_id: int,
                  relation: str) -> Relation:
    """Link a spouse or child already registered (both must be in the user's scope)."""
    person = scope.get_person(user, person_id)
    relative = scope.get_person(user, relative_id)
    link = apply_link(actor, person, relative, relation)
    db.session.commit()
    _refresh_family(actor, person.id, relative.id)
    return link


def apply_link(actor: Actor, person: Person, relative: Person, relation: str) -> Relation:
    """The link itself, checked and audited, not committed (registration links a newborn)."""
    if relative.id == person.id:
        raise ValidationFailed({"relative": N_("不能把本人添加为家庭成员")})
    exists = db.session.scalars(select(Relation).where(
        ((Relation.person_id == person.id) & (Relation.relative_id == relative.id))
        | ((Relation.person_id == relative.id) & (Relation.relative_id == person.id))
    )).first()
    if exists:
        raise ValidationFailed({"relative": N_("已是家庭成员")})
    link = Relation(person_id=person.id, relative_id=relative.id, relation=relation)
    db.session.add(link)
    db.session.flush()
    audit.record(actor, "relation.add", "person", person.id, None,
                 {"relative_id": relative.id, "relation": relation})
    return link


def _refresh_family(actor: Actor, *person_ids: int) -> None:
    """A parent or a child more or less can change whom a service is for."""
    for person_id in person_ids:
        planning.refresh_person(actor, person_id)


def unlink_relative(actor: Actor, user: User, person_id: int, relation_id: int) -> None:
    person = scope.get_person(user, person_id)
    link = db.session.get(Relation, relation_id)
    if link is None or person.id not in (link.person_id, link.relative_id):
        raise NotFound("relation")
    audit.record(actor, "relation.remove", "person", person.id,
                 {"relative_id": link.relative_id, "relation": link.relation}, None)
    family = (link.person_id, link.relative_id)
    db.session.delete(link)
    db.session.commit()
    _refresh_family(actor, *family)


@dataclass(frozen=True)
class Member:
    """A linked family member as a user may see them: the record when it is in the user's
    scope; otherwise only that the relation exists and the area's name, as the duplicate
    check shows someone registered elsewhere (a child who moved to another township)."""

    relation: str  # as seen from the person: spouse, child, parent
    link: Relation
    person: Person | None
    area_name: str | None = None


def household(person: Person, user: User) -> list[Member]:
    """Every linked member of ``person``, as ``user`` may see them."""
    rows = db.session.scalars(select(Relation).where(
        (Relation.person_id == person.id) | (Relation.relative_id == person.id))).all()
    out = []
    for link in rows:
        if link.person_id == person.id:
            relation, member = link.relation, link.relative
        else:  # seen from the other side a child's link reads "parent"
            relation, member = ("parent" if link.relation == "child" else link.relation), link.person
        if scope.may_see_grid(user, member.grid_id):
            out.append(Member(relation, link, member))
        else:
            out.append(Member(relation, link, None, area_label(member.grid)))
    return out


def timeline(person: Person) -> list[Movement]:
    return list(db.session.scalars(
        select(Movement).where(Movement.person_id == person.id)
        .order_by(Movement.on_date.desc(), Movement.id.desc())))


def record_id_view(actor: Actor, person: Person) -> None:
    """Seeing a full identity number is logged like a write."""
    audit.record(actor, "person.view_id", "person", person.id)
    db.session.commit()
