"""Registering people and recording what happens to them: edits, moves, departures."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

from ..domain import duplicates
from ..domain.clock import local_today, utcnow
from ..domain.idcard import parse_id_number
from ..extensions import db
from ..models import Area, Movement, Person, Relation, Tenancy, User
from . import audit, cards, planning, scope
from .context import Actor
from .dwellings import resolve_dwelling
from .errors import DuplicatePerson, NotFound, StaleEdit, ValidationFailed

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


def _validate_dates(fields: dict) -> None:
    today = local_today()
    errors = {}
    arrived = fields.get("arrived_on")
    if arrived and arrived > today:
        errors["arrived_on"] = "来本地日期不能在未来"
    born = fields.get("birth_date")
    if arrived and born and arrived < born:
        errors["arrived_on"] = "来本地日期早于出生日期"
    if errors:
        raise ValidationFailed(errors)


def _normalise(fields: dict) -> dict:
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


def register(actor: Actor, user: User, fields: dict, grid_id: int, *,
             dwelling_id: int | None = None, new_dwelling: dict | None = None,
             room: str | None = None, accept_namesake: bool = False) -> Person:
    """Register a new arrival in one of the user's grids.

    Raises ``DuplicatePerson`` when the identity number is already registered anywhere,
    or when a namesake with the same birth date exists and was not acknowledged.
    """
    person = apply_registration(actor, user, fields, grid_id, dwelling_id=dwelling_id, new_dwelling=new_dwelling,
                                room=room, accept_namesake=accept_namesake)
    db.session.commit()
    planning.refresh_person(actor, person.id)  # this month's services, as the monthly run would
    return person


def apply_registration(actor: Actor, user: User, fields: dict, grid_id: int, *,
                       dwelling_id: int | None = None, new_dwelling: dict | None = None,
                       room: str | None = None, accept_namesake: bool = False) -> Person:
    """The registration itself, checked and audited, not committed (also used by the review queue)."""
    grid = scope.get_grid(user, grid_id)
    data = _normalise(fields)
    _validate_dates(data)
    check = check_duplicates(user, data.get("id_number"), data.get("name"), data.get("birth_date"))
    if check.blocking or (check.same_name_birth and not accept_namesake):
        raise DuplicatePerson(check)
    dwelling = resolve_dwelling(actor, user, grid, dwelling_id, new_dwelling)
    now = utcnow()
    person = Person(**data, grid_id=grid.id, dwelling=dwelling, room=room, status="present",
                    entered_at=now, created_by_id=actor.user_id)
    person.collected_at = data.get("collected_at") or now
    db.session.add(person)
    db.session.flush()
    arrived = data.get("arrived_on") or local_today()
    db.session.add(Movement(person_id=person.id, kind="arrive", on_date=arrived,
                            to_dwelling_id=dwelling.id if dwelling else None,
                            to_grid_id=grid.id, recorded_by_id=actor.user_id))
    if dwelling:
        db.session.add(Tenancy(person_id=person.id, dwelling_id=dwelling.id, room=room,
                               start_on=arrived))
    audit.record(actor, "person.register", "person", person.id, None, audit.snapshot(person))
    cards.issue_on_registration(actor, person)
    return person


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


def update(actor: Actor, user: User, person_id: int, version: int, fields: dict) -> Person:
    """Edit a person's details; refuses a form opened on an older version."""
    person = scope.get_person(user, person_id)
    _check_version(person, version)
    data = _normalise(fields)
    _validate_dates(data)
    if data.get("id_number") and data["id_number"] != person.id_number:
        check = check_duplicates(user, data["id_number"], "", None, exclude_id=person.id)
        if check.blocking:
            raise DuplicatePerson(check)
    before = audit.snapshot(person)
    for key, value in data.items():
        setattr(person, key, value)
    db.session.flush()
    old, new = audit.changed_only(before, audit.snapshot(person))
    if new:
        audit.record(actor, "person.update", "person", person.id, old, new)
    _commit_or_stale(person)
    if new:
        planning.refresh_person(actor, person.id)  # a marriage or a corrected birth date changes services
    return person


def _close_tenancy(person: Person, on: dt.date) -> None:
    open_rows = db.session.scalars(
        select(Tenancy).where(Tenancy.person_id == person.id, Tenancy.end_on.is_(None))
    )
    for tenancy in open_rows:
        tenancy.end_on = on


def _event_date(on: dt.date | None, person: Person, field: str) -> dt.date:
    on = on or local_today()
    if on > local_today():
        raise ValidationFailed({field: "日期不能在未来"})
    if person.arrived_on and on < person.arrived_on:
        raise ValidationFailed({field: "日期早于来本地日期"})
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
        raise ValidationFailed({"on": "此人已注销，不能登记迁移"})
    on = _event_date(on, person, "on")
    if dwelling is None:
        raise ValidationFailed({"dwelling_id": "请选择或新建住所"})
    if dwelling.id == person.dwelling_id:
        raise ValidationFailed({"dwelling_id": "新住所与现住所相同"})
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
    apply_departure(actor, person, on, destination, reason, note)
    _commit_or_stale(person)
    return person


def apply_departure(actor: Actor, person: Person, on: dt.date | None, destination: str | None,
                    reason: str | None, note: str | None = None) -> None:
    """The departure itself, checked and audited, not committed; the card stops working."""
    if not person.present:
        raise ValidationFailed({"on": "此人已注销"})
    on = _event_date(on, person, "on")
    fields = ["status", "left_on", "dwelling_id"]
    before = audit.snapshot(person, fields)
    db.session.add(Movement(person_id=person.id, kind="leave", on_date=on,
                            from_dwelling_id=person.dwelling_id, from_grid_id=person.grid_id,
                            destination=(destination or "").strip() or None, reason=reason,
                            note=note, recorded_by_id=actor.user_id))
    _close_tenancy(person, on)
    cards.revoke_for(actor, person, "departed")
    planning.cancel_for_departure(person.id)
    person.status, person.left_on = "left", on
    db.session.flush()
    audit.record(actor, "person.depart", "person", person.id, before,
                 {**audit.snapshot(person, fields), "destination": destination, "reason": reason})


def link_relative(actor: Actor, user: User, person_id: int, relative_id: int,
                  relation: str) -> Relation:
    """Link a spouse or child already registered (both must be in the user's scope)."""
    person = scope.get_person(user, person_id)
    relative = scope.get_person(user, relative_id)
    if relative.id == person.id:
        raise ValidationFailed({"relative": "不能把本人添加为家庭成员"})
    exists = db.session.scalars(select(Relation).where(
        ((Relation.person_id == person.id) & (Relation.relative_id == relative.id))
        | ((Relation.person_id == relative.id) & (Relation.relative_id == person.id))
    )).first()
    if exists:
        raise ValidationFailed({"relative": "已是家庭成员"})
    link = Relation(person_id=person.id, relative_id=relative.id, relation=relation)
    db.session.add(link)
    db.session.flush()
    audit.record(actor, "relation.add", "person", person.id, None,
                 {"relative_id": relative.id, "relation": relation})
    db.session.commit()
    _refresh_family(actor, person.id, relative.id)
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


def household(person: Person) -> list[tuple[str, Person, Relation]]:
    """(relation as seen from ``person``, relative, link) for every linked member."""
    rows = db.session.scalars(select(Relation).where(
        (Relation.person_id == person.id) | (Relation.relative_id == person.id))).all()
    out = []
    for link in rows:
        if link.person_id == person.id:
            out.append((link.relation, link.relative, link))
        else:  # seen from the other side a child's link reads "parent"
            out.append(("parent" if link.relation == "child" else link.relation, link.person, link))
    return out


def timeline(person: Person) -> list[Movement]:
    return list(db.session.scalars(
        select(Movement).where(Movement.person_id == person.id)
        .order_by(Movement.on_date.desc(), Movement.id.desc())))


def record_id_view(actor: Actor, person: Person) -> None:
    """Seeing a full identity number is logged like a write."""
    audit.record(actor, "person.view_id", "person", person.id)
    db.session.commit()
