"""What the demo county needs for its figures to mean something: estimated populations,
printed cards and landlords' confirmations for most people, household places down to
the township, and a few records with the faults the data-quality monitor looks for.

Decided by each person's id (no draws from the demo's random sequence, so the rest of
the demo stays as it was for a given seed), and cheap enough for a million people.
"""
from __future__ import annotations

import datetime as dt
import random
from functools import lru_cache

from sqlalchemy import func, select, update

from ...domain import divisions
from ...extensions import db
from ...models import Area, ChangeRequest, Person, Tenancy
from ..common.context import Actor


@lru_cache(maxsize=4096)
def _townships(county: str) -> tuple[str, ...]:
    return tuple(d.code for d in divisions.children(county))


def household_code(county: str, person_id: int) -> str:
    """A township of the person's county, as the register form picks it; every 25th is
    left at the county, as old ledgers often have it (the monitor lists them)."""
    towns = _townships(county)
    if not towns or person_id % 25 == 0:
        return county
    return towns[person_id % len(towns)]


def printed_at(person_id: int, issued_at: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    """93 in 100 cards were printed and handed out two days after registration."""
    printed = issued_at + dt.timedelta(days=2)
    return printed if person_id % 100 < 93 and printed <= now else None


def confirmed_at(person_id: int, start_on: dt.date, now: dt.datetime) -> dt.datetime | None:
    """88 in 100 landlords confirmed their tenant within three days."""
    confirmed = dt.datetime.combine(start_on, dt.time(2)) + dt.timedelta(days=3)
    return confirmed if person_id % 100 < 88 and confirmed <= now else None


def set_estimates(seed_value: int) -> None:
    """Each grid's estimated migrant population: its people present and up to an eighth
    more not registered yet (registration rates of 89–100 %)."""
    rng = random.Random(f"estimates-{seed_value}")
    present = db.session.execute(select(Person.grid_id, func.count()).where(Person.status == "present")
                                 .group_by(Person.grid_id).order_by(Person.grid_id)).all()
    rows = [{"id": grid, "estimated_population": round(n * rng.uniform(1.0, 1.125))} for grid, n in present]
    if rows:
        db.session.execute(update(Area), rows)


def add_faulty_records(actor: Actor, grids: list[Area], now: dt.datetime) -> None:
    """Give a few people of the first two grids (the demo coordinator's) the faults of
    the monitoring report, and leave one of their reports waiting for review."""
    people = db.session.scalars(select(Person).where(Person.grid_id.in_([grids[0].id, grids[1].id]),
                                                     Person.status == "present", Person.id_number.is_not(None))
                                .order_by(Person.id).limit(8)).all()
    if len(people) < 8:
        return
    no_number, legacy, original, mistyped, odd_code, namesake, model, homeless = people
    no_number.id_number = None
    legacy.id_number = original.id_number[:6] + original.id_number[8:17]  # the same number in 15 digits
    mistyped.id_number = mistyped.id_number[:17] + ("0" if mistyped.id_number[17] != "0" else "1")
    odd_code.hukou_area_code = odd_code.hukou_area_code[:2] + "9999"
    namesake.name, namesake.birth_date, namesake.hukou_area_code = model.name, model.birth_date, model.hukou_area_code
    # Without a dwelling, as "not my tenant" leaves someone: the tenancy void, not still open.
    db.session.execute(update(Tenancy).where(Tenancy.person_id == homeless.id, Tenancy.end_on.is_(None))
                       .values(end_on=Tenancy.start_on))
    homeless.dwelling_id, homeless.room = None, None
    db.session.add(ChangeRequest(kind="phone", source="migrant", person_id=original.id, grid_id=original.grid_id,
                                 payload={"phone": "13900000000"}, created_at=now - dt.timedelta(days=12)))
    db.session.flush()
