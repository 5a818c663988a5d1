"""What a coordinator's phone keeps for working without a signal (issue 16): their own
grids, those grids' dwellings with this month's sweep marks, and the people present there
with masked ID numbers. Nothing of another area; never a full ID number."""
from __future__ import annotations

from sqlalchemy import select

from ...domain import divisions
from ...domain.idcard import mask_id_number
from ...extensions import db
from ...models import Dwelling, Person, User
from .. import scope
from ..rental import sweeps


def pack(user: User, grid_names: dict[int, str]) -> dict:
    grids = scope.grids(user)
    ids = [g.id for g in grids]
    month = sweeps.this_month()
    dwellings = db.session.execute(
        select(Dwelling.id, Dwelling.grid_id, Dwelling.address).where(Dwelling.grid_id.in_(ids))
        .order_by(Dwelling.address, Dwelling.id)).all()
    visited = {}
    for grid_id in ids:
        visited.update({d: v.result for d, v in sweeps.visits(grid_id, month).items()})
    people = db.session.execute(
        select(Person.id, Person.name, Person.id_number, Person.grid_id, Person.dwelling_id, Person.version)
        .where(Person.grid_id.in_(ids), Person.status == "present").order_by(Person.name, Person.id)).all()
    return {
        "month": month.strftime("%Y-%m"),
        "grids": [{"id": g.id, "name": grid_names.get(g.id, g.label)} for g in grids],
        "dwellings": [{"id": d.id, "grid": d.grid_id, "address": d.address, "visited": visited.get(d.id)}
                      for d in dwellings],
        "people": [{"id": p.id, "name": p.name, "id_masked": mask_id_number(p.id_number), "grid": p.grid_id,
                    "dwelling": p.dwelling_id, "version": p.version} for p in people],
    }


def division_names() -> dict[str, str]:
    """Province, city and county names by code: the household-place cascade without a signal
    (townships, 41,000 of them, need the connection)."""
    out = {}
    for province in divisions.provinces():
        out[province.code] = province.name
        for city in divisions.children(province.code):
            out[city.code] = city.name
            for county in divisions.children(city.code):
                out[county.code] = county.name
    return out
