"""What the public card page shows, read in one query (the page is served at high rates)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Area, Card, Dwelling, Person, User, user_grids


@dataclass(frozen=True)
class CardView:
    card_id: int
    person_id: int
    revoked: bool
    name: str
    id_number: str | None
    phone: str | None
    present: bool
    address: str | None
    room: str | None
    grid_name: str
    community_name: str | None
    station_name: str | None
    station_address: str | None
    station_phone: str | None
    station_hours: str | None
    coordinator_phone: str | None


_grid, _community, _township = aliased(Area), aliased(Area), aliased(Area)

_coordinator_phone = (
    select(User.phone).join(user_grids, user_grids.c.user_id == User.id)
    .where(user_grids.c.area_id == Person.grid_id, User.active.is_(True), User.phone.is_not(None))
    .order_by(User.id).limit(1).correlate(Person).scalar_subquery()
)

_QUERY = (
    select(Card.id, Card.person_id, Card.revoked_at, Person.name, Person.id_number, Person.phone, Person.status,
           Dwelling.address, Person.room, _grid.name, _community.name, _township.name, _township.address,
           _township.phone, _township.hours, _coordinator_phone)
    .join(Person, Person.id == Card.person_id)
    .join(_grid, _grid.id == Person.grid_id)
    .outerjoin(_community, _community.id == _grid.parent_id)
    .outerjoin(_township, _township.id == _community.parent_id)
    .outerjoin(Dwelling, Dwelling.id == Person.dwelling_id)
)


@lru_cache(maxsize=4)
def _autocommit(engine):
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _one(condition) -> CardView | None:
    # One statement on an autocommit connection: no BEGIN/ROLLBACK round trips, and
    # PostgreSQL keeps the prepared statement (a ROLLBACK makes psycopg drop it).
    with _autocommit(db.engine).connect() as conn:
        row = conn.execute(_QUERY.where(condition)).first()
    if row is None:
        return None
    (card_id, person_id, revoked_at, name, id_number, phone, status, address, room, grid_name,
     community_name, station_name, station_address, station_phone, station_hours, coordinator_phone) = row
    return CardView(card_id, person_id, revoked_at is not None, name, id_number, phone, status == "present",
                    address, room, grid_name, community_name, station_name, station_address, station_phone,
                    station_hours, coordinator_phone)


def by_token_hash(token_hash: str) -> CardView | None:
    return _one(Card.token_hash == token_hash)


def by_card_id(card_id: int) -> CardView | None:
    return _one(Card.id == card_id)
