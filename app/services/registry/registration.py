"""Registering a person (来有登记): one function writes what a registration is, whatever
the entry — the coordinator's form, the review queue (a landlord's or a migrant's report),
a ledger import, the demo county, and the ways in that come later.

A registration is, in one transaction: the person, their arrival on the timeline, the
tenancy of their dwelling, their card (one person, one card), one audit row saying what
was registered and which card was issued, and this month's services planned for them as
the monthly run would. ``write`` does all of it for one person or a batch of thousands
(an import), set-based; ``register`` is the single registration from a form: checked,
written, linked to a relative if asked, committed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from ...domain import dates
from ...domain.clock import local_today, utcnow
from ...domain.text import N_
from ...extensions import db
from ...models import AuditLog, Card, Movement, Person, Tenancy, User
from .. import scope
from ..cards import issuing as cards
from ..exchange import notify
from ..common import audit, bulk
from ..common.context import Actor
from ..common.errors import DuplicatePerson, ValidationFailed
from ..health import planning
from .dwellings import resolve_dwelling
from .people import PERSON_FIELDS, apply_link, check_duplicates, normalise, validate_dates


@dataclass
class Arrival:
    """One person to register: who (``person``: the fields of ``PERSON_FIELDS``, already
    normalised and checked) and where they live now."""

    person: dict
    grid_id: int
    dwelling_id: int | None = None
    room: str | None = None
    entered_at: dt.datetime | None = None  # when it was typed in: now, unless history is written
    note: str | None = None  # on the arrival, e.g. "台账导入"
    import_id: int | None = None
    created_by_id: int | None = None  # the actor, unless the demo writes someone else's work


def write(actor: Actor, arrivals: list[Arrival], *, now: dt.datetime | None = None,
          today: dt.date | None = None) -> list[int]:
    """Write registrations in the caller's transaction (nothing is committed) and return
    the new people's ids, in order. Nothing is checked here: the callers check first
    (``prepare`` for one, the import's dry run for a ledger)."""
    if not arrivals:
        return []
    now = now or utcnow()
    today = today or local_today()
    people = [_person_row(actor, a, now) for a in arrivals]
    ids = bulk.write_with_ids(Person.__table__, people)
    # The rows that only refer to the people are made as they are sent (generators).
    bulk.write(Movement.__table__, (_arrived(a, p, today) for a, p in zip(arrivals, people)))
    bulk.write(Tenancy.__table__, ({"person_id": p["id"], "dwelling_id": p["dwelling_id"], "room": p["room"],
                                    "start_on": p["arrived_on"] or today} for p in people if p["dwelling_id"]))
    card_rows = cards.issue_many(actor, ids, now)
    bulk.write_with_ids(Card.__table__, card_rows)
    bulk.write(AuditLog.__table__, (_registered(actor, p, card, now) for p, card in zip(people, card_rows)))
    _plan_services(actor, ids, today)
    notify.inflow(actor, ids)  # people whose household is in a peer's county: their origin is told
    return ids


def _arrived(arrival: Arrival, person: dict, today: dt.date) -> dict:
    """The arrival on the person's timeline."""
    return {"person_id": person["id"], "kind": "arrive", "on_date": person["arrived_on"] or today,
            "from_dwelling_id": None, "to_dwelling_id": person["dwelling_id"], "from_grid_id": None,
            "to_grid_id": person["grid_id"], "destination": None, "reason": None, "note": arrival.note,
            "recorded_by_id": person["created_by_id"], "recorded_at": person["entered_at"]}


def _registered(actor: Actor, person: dict, card: dict, now: dt.datetime) -> dict:
    """The registration's audit row: what was registered, without the empty fields (a
    quarter of the audit's size), and the card it issued (``card_id``): one row per
    person, which is the card's issue too (a reissue has a ``card.issue`` row of its own)."""
    after = {k: v for k, v in person.items() if v is not None and k != "updated_at"}
    after["card_id"] = card["id"]
    return audit.row(actor, "person.register", "person", person["id"], after, now)


def _person_row(actor: Actor, arrival: Arrival, now: dt.datetime) -> dict:
    row = {k: arrival.person.get(k) for k in PERSON_FIELDS}
    entered = arrival.entered_at or now
    row.update(status="present", left_on=None, grid_id=arrival.grid_id, dwelling_id=arrival.dwelling_id,
               room=arrival.room, collected_at=row.get("collected_at") or entered, entered_at=entered,
               created_by_id=arrival.created_by_id if arrival.created_by_id is not None else actor.user_id,
               updated_at=now, version=1, import_id=arrival.import_id)
    return row


def _plan_services(actor: Actor, person_ids: list[int], today: dt.date) -> None:
    """This month's services for the new people, as the monthly run would plan them."""
    result = planning.plan_month(actor, dates.first_of_month(today), today=today, person_ids=person_ids,
                                 commit=False, check_month=False)
    if not result.total_created:
        return
    created = {k: v for k, v in result.created.items() if v}
    if len(person_ids) == 1:
        audit.record(actor, "services.refresh", "person", person_ids[0], None, {"created": created, "cancelled": {}})
    else:
        audit.record(actor, "services.plan", "service_type", None, None,
                     {"month": dates.first_of_month(today).isoformat(), "persons": len(person_ids),
                      "created": created})


def prepare(actor: Actor, user: User, fields: dict, grid_id: int, *, dwelling_id: int | None = None,
            new_dwelling: dict | None = None, room: str | None = None,
            accept_namesake: bool = False) -> Arrival:
    """Check one registration in one of the user's grids, as every entry must.

    Raises ``DuplicatePerson`` when the identity number is already registered anywhere,
    or when a namesake with the same birth date exists and was not acknowledged, and
    ``ValidationFailed`` for impossible dates. A new dwelling typed with the person is
    created here (in the caller's transaction)."""
    grid = scope.get_grid(user, grid_id)
    data = normalise(fields)
    validate_dates(data)
    check = check_duplicates(user, data.get("id_number"), data.get("name"), data.get("birth_date"))
    if check.blocking or (check.same_name_birth and not accept_namesake):
        raise DuplicatePerson(check)
    dwelling = resolve_dwelling(actor, user, grid, dwelling_id, new_dwelling)
    return Arrival(person=data, grid_id=grid.id, dwelling_id=dwelling.id if dwelling else None, room=room)


def apply(actor: Actor, user: User, fields: dict, grid_id: int, **options) -> Person:
    """``prepare`` and ``write`` one registration, not committed (the review queue's
    acceptance is a larger transaction)."""
    (person_id,) = write(actor, [prepare(actor, user, fields, grid_id, **options)])
    return db.session.get(Person, person_id)


def register(actor: Actor, user: User, fields: dict, grid_id: int, *, relative_of: int | None = None,
             relation: str = "child", **options) -> Person:
    """Register a new arrival from the form, linked to ``relative_of`` (a spouse or parent
    already registered in the user's scope) when given. All of it or nothing: a relative
    outside the user's scope refuses the registration before anything is written."""
    try:
        relative = scope.get_person(user, relative_of) if relative_of else None
        if relative is not None and relation not in ("child", "spouse"):
            raise ValidationFailed({"relation": N_("家庭关系无效")})
        person = apply(actor, user, fields, grid_id, **options)
        if relative is not None:
            apply_link(actor, relative, person, relation)
            for member in (relative.id, person.id):  # a child more can change the parent's services
                planning.refresh_person(actor, member, commit=False)
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise duplicate_or(exc, user, fields) from None
    except Exception:
        db.session.rollback()
        raise
    return person


def duplicate_or(exc: IntegrityError, user: User, fields: dict) -> Exception:
    """After a rolled-back write that broke a unique key: ``DuplicatePerson`` when someone
    registered the same identity number meanwhile (two saves at one moment: the unique
    index lets one in, and the other gets the usual duplicate answer), else ``exc``."""
    number = normalise(fields).get("id_number")
    check = check_duplicates(user, number, "", None) if number else None
    return DuplicatePerson(check) if check is not None and check.blocking else exc
