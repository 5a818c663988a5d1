"""Transfer requests: a record registered in another area is asked for, not copied.

One person, one record. When a coordinator meets someone already registered elsewhere,
they ask for the record; staff of the area that holds it accept or reject. A person who
has already left the other area (注销) moves at once: there is nobody to ask about.
"""
from __future__ import annotations

from sqlalchemy import select

from ...domain.clock import local_today
from ...domain.idcard import parse_id_number
from ...domain.text import N_
from ...extensions import db
from ...models import ChangeRequest, Movement, Person, Tenancy, User
from .. import scope
from ..cards import issuing as cards
from ..common import audit
from ..common.context import Actor
from ..common.errors import NotFound, ValidationFailed


def request(actor: Actor, user: User, id_number: str, to_grid_id: int, note: str | None = None) -> ChangeRequest:
    grid = scope.get_grid(user, to_grid_id)
    number = parse_id_number(id_number).number
    person = db.session.scalars(select(Person).where(Person.id_number == number)).first()
    if person is None:
        raise NotFound("person")
    if person.grid_id == grid.id:
        raise ValidationFailed({"to_grid_id": N_("此人已在该网格")})
    pending = db.session.scalars(select(ChangeRequest).where(
        ChangeRequest.kind == "transfer", ChangeRequest.person_id == person.id,
        ChangeRequest.status == "pending")).first()
    if pending:
        return pending
    change = ChangeRequest(kind="transfer", source="coordinator", person_id=person.id,
                           grid_id=person.grid_id, requested_by_id=actor.user_id,
                           payload={"to_grid_id": grid.id, "note": (note or "").strip()})
    db.session.add(change)
    db.session.flush()
    audit.record(actor, "transfer.request", "change_request", change.id, None,
                 {"person_id": person.id, "to_grid_id": grid.id})
    if not person.present:
        apply(actor, change)
        change.close("accepted", actor.user_id)
    db.session.commit()
    return change


def apply(actor: Actor, change: ChangeRequest) -> None:
    person = change.person
    to_grid_id = int(change.payload["to_grid_id"])
    today = local_today()
    before = audit.snapshot(person, ["grid_id", "dwelling_id", "status", "left_on", "arrived_on"])
    for tenancy in db.session.scalars(select(Tenancy).where(
            Tenancy.person_id == person.id, Tenancy.end_on.is_(None))):
        tenancy.end_on = today
    db.session.add(Movement(person_id=person.id, kind="transfer", on_date=today,
                            from_grid_id=person.grid_id, from_dwelling_id=person.dwelling_id,
                            to_grid_id=to_grid_id, recorded_by_id=actor.user_id))
    if not person.present:
        person.arrived_on = today
        cards.issue_on_registration(actor, person)
    person.grid_id, person.dwelling_id, person.room = to_grid_id, None, None
    person.status, person.left_on = "present", None
    db.session.flush()
    audit.record(actor, "person.transfer", "person", person.id, before,
                 audit.snapshot(person, ["grid_id", "dwelling_id", "status", "left_on", "arrived_on"]))


def requested_by(user: User) -> list[ChangeRequest]:
    return list(db.session.scalars(select(ChangeRequest).where(
        ChangeRequest.requested_by_id == user.id).order_by(ChangeRequest.created_at.desc()).limit(20)))
