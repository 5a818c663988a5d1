"""出租房屋台账: the rental ledger of a coordinator's grids — every dwelling with its
kind, rooms, occupants now, landlord, agreement and last sweep visit. The same rows
fill the page and the ``.xlsx`` export (the app's export of dwellings)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import false, func, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import Area, Dwelling, Landlord, Person, SweepVisit, User
from .. import scope
from ..common import paging
from ..common.paging import Cursor, Page, Seek
from ..figures import report_areas
from ..registry.dwellings import address_key
from . import agreements
from .sweeps import this_month

FILTERS = {
    "agreement": ("signed", "unsigned"),
    "occupied": ("yes", "no"),
    "visited": ("yes", "no"),  # this month
}


@dataclass
class Row:
    dwelling: Dwelling
    landlord: Landlord | None
    occupants: int
    signed: bool | None  # None: no agreement template yet
    last_visit: dt.date | None


def _statement(user: User, grid_id: int | None, kind: str | None, filters: dict, area: Area | None = None):
    """The ledger's rows in ``user``'s scope, in one grid or under one area if given; each
    dwelling comes with its grid and the grid's community and township (its name)."""
    occupants = (select(func.count()).where(Person.dwelling_id == Dwelling.id, Person.status == "present")
                 .correlate(Dwelling).scalar_subquery())
    last_visit = (select(func.max(SweepVisit.month)).where(SweepVisit.dwelling_id == Dwelling.id)
                  .correlate(Dwelling).scalar_subquery())
    signed = agreements.signed_condition(Dwelling.id)
    stmt = scope.dwellings(user).outerjoin(Landlord, Landlord.id == Dwelling.landlord_id).add_columns(
        Landlord, occupants.label("occupants"), (signed if signed is not None else false()).label("signed"),
        last_visit.label("last_visit")).options(joinedload(Dwelling.grid).joinedload(Area.parent).joinedload(Area.parent))
    if grid_id:
        stmt = stmt.where(Dwelling.grid_id == grid_id)
    elif area is not None:
        stmt = stmt.where(Dwelling.grid_id.in_(report_areas.grid_ids(area)))
    if kind:
        stmt = stmt.where(Dwelling.kind == kind)
    if filters.get("agreement") and signed is not None:
        stmt = stmt.where(signed if filters["agreement"] == "signed" else ~signed)
    elif filters.get("agreement") == "signed":  # no template yet: nothing is signed
        stmt = stmt.where(false())
    if filters.get("occupied"):
        stmt = stmt.where(occupants > 0 if filters["occupied"] == "yes" else occupants == 0)
    if filters.get("visited"):
        visited = select(SweepVisit.id).where(SweepVisit.dwelling_id == Dwelling.id,
                                              SweepVisit.month == this_month()).exists()
        stmt = stmt.where(visited if filters["visited"] == "yes" else ~visited)
    return stmt, signed is not None


def clean_filters(args) -> dict:
    """Only known values: anything else means "no filter"."""
    return {k: args.get(k) for k, allowed in FILTERS.items() if args.get(k) in allowed}


def _rows(result, has_template: bool) -> list[Row]:
    return [Row(d, landlord, n, bool(signed) if has_template else None, last) for d, landlord, n, signed, last in result]


def page(user: User, *, grid_id=None, area=None, kind=None, filters=None, cursor: Cursor = Cursor(),
         per_page: int = 30) -> Page:
    stmt, has_template = _statement(user, grid_id, kind, filters or {}, area)
    seek = Seek.of(cursor, (Dwelling.address, Dwelling.id), per_page, lambda i: address_key(user, i))
    result = seek.run(stmt, paging.total(stmt, cursor), lambda row: row[0].id, scalars=False)
    return result.mapped_all(lambda rows: _rows(rows, has_template))


def all_rows(user: User, *, grid_id=None, area=None, kind=None, filters=None, chunk: int = 2000) -> Iterator[Row]:
    """Every matching row, read in chunks (keyset by address, id) for the export."""
    stmt, has_template = _statement(user, grid_id, kind, filters or {}, area)
    after = None
    while True:
        query = stmt.order_by(Dwelling.address, Dwelling.id).limit(chunk)
        if after is not None:
            query = query.where((Dwelling.address > after[0]) | ((Dwelling.address == after[0]) & (Dwelling.id > after[1])))
        rows = _rows(db.session.execute(query).all(), has_template)
        yield from rows
        if len(rows) < chunk:
            return
        after = (rows[-1].dwelling.address, rows[-1].dwelling.id)
