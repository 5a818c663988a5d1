"""What a person asked for: services they want (opt-in types) or decline, and no text
messages. Each change is audited and takes effect at once (``planning.refresh_person``)."""
from __future__ import annotations

from sqlalchemy import select

from ...domain import schedules
from ...domain.clock import local_today
from ...domain.text import N_
from ...extensions import db
from ...models import Person, Relation, ServiceChoice, SmsOptOut, User
from .. import scope
from ..common import audit
from ..common.context import Actor
from ..common.errors import NotFound, ValidationFailed
from . import planning, service_types


def _person(user: User | None, person_id: int) -> Person:
    """In the user's scope (a user of None is the system itself: the command line, the demo)."""
    if user is None:
        person = db.session.get(Person, person_id)
        if person is None:
            raise NotFound("person")
        return person
    return scope.get_person(user, person_id)


def set_choice(actor: Actor, user: User | None, person_id: int, type_id: int, choice: str | None) -> None:
    """``in``: the person asked for the service; ``out``: declined it; None: no choice."""
    if choice not in ("in", "out", None):
        raise ValidationFailed({"choice": N_("请选择")})
    person = _person(user, person_id)
    service_types.get(type_id)
    row = db.session.get(ServiceChoice, (person.id, type_id))
    before = row.choice if row else None
    if before == choice:
        return
    if choice is None:
        db.session.delete(row)
    elif row is None:
        db.session.add(ServiceChoice(person_id=person.id, service_type_id=type_id, choice=choice,
                                     chosen_on=local_today(), recorded_by_id=actor.user_id))
    else:
        row.choice, row.chosen_on, row.recorded_by_id = choice, local_today(), actor.user_id
    audit.record(actor, "service.choice", "person", person.id, {"type_id": type_id, "choice": before},
                 {"type_id": type_id, "choice": choice})
    db.session.commit()
    planning.refresh_person(actor, person.id)


def set_sms_opt_out(actor: Actor, user: User | None, person_id: int, opted_out: bool) -> None:
    person = _person(user, person_id)
    row = db.session.get(SmsOptOut, person.id)
    if bool(row) == opted_out:
        return
    if opted_out:
        db.session.add(SmsOptOut(person_id=person.id, recorded_by_id=actor.user_id))
    else:
        db.session.delete(row)
    audit.record(actor, "sms.opt_out" if opted_out else "sms.opt_in", "person", person.id)
    db.session.commit()


def sms_opted_out(person_id: int) -> bool:
    return db.session.get(SmsOptOut, person_id) is not None


def choices(person_id: int) -> dict[int, str]:
    """type id → ``in`` / ``out`` for the person."""
    return dict(db.session.execute(select(ServiceChoice.service_type_id, ServiceChoice.choice)
                                   .where(ServiceChoice.person_id == person_id)).all())


def facts(person: Person, type_id: int | None = None, choice_by_type: dict | None = None) -> schedules.Facts:
    """What ``domain.schedules`` needs to know about ``person`` (and their choice of a type)."""
    links = db.session.execute(select(Relation.person_id, Person.birth_date).join(
        Person, Person.id == Relation.relative_id).where(
        (Relation.person_id == person.id) | (Relation.relative_id == person.id), Relation.relation == "child")).all()
    children = [born for parent_id, born in links if parent_id == person.id]
    is_child = any(parent_id != person.id for parent_id, _ in links)
    if choice_by_type is None and type_id is not None:
        choice_by_type = choices(person.id)
    return schedules.Facts(
        present=person.status == "present", sex=person.sex, birth_date=person.birth_date,
        marital_status=person.marital_status, arrived_on=person.arrived_on, is_parent=bool(children),
        is_child=is_child, children_births=tuple(b for b in children if b),
        choice=(choice_by_type or {}).get(type_id))
