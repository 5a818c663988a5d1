"""The changes that tell a peer: each writes its messages into the outbox in the
transaction of the change (``outbox.post``). Only what docs/exchange.md lists is sent."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ...extensions import db
from ...models import Area, Outflow, Person
from ..common import bulk
from ..common.context import Actor
from . import outbox
from . import peers as directory


def _station(grid: Area | None) -> dict:
    """Where a person is served: the township (code, name) and its station's contacts;
    never the dwelling or room."""
    township = grid
    while township is not None and township.level != "township":
        township = township.parent
    _, county = directory.identity()
    if township is None:
        return {"county": county}
    return {"area_code": township.code, "township": township.name, "county": county,
            "station_phone": township.phone, "station_address": township.address}


def inflow(actor: Actor, person_ids: list[int]) -> int:
    """Registrations (form, import, review queue) of people whose household lies in a
    peer's area: one inflow notice each. Returns how many were queued."""
    peers = directory.active()
    if not peers or not person_ids:
        return 0
    people = db.session.execute(select(Person.id, Person.id_number, Person.name, Person.sex, Person.birth_date,
                                       Person.hukou_area_code, Person.arrived_on, Person.grid_id)
                                .where(bulk.any_of(Person.id, person_ids), Person.id_number.is_not(None))).all()
    stations, rows = {}, []
    for p in people:
        peer = directory.serving(p.hukou_area_code or p.id_number[:6], peers)
        if peer is None:
            continue
        if p.grid_id not in stations:
            stations[p.grid_id] = _station(db.session.get(Area, p.grid_id))
        data = {"person": {"id_number": p.id_number, "name": p.name, "sex": p.sex,
                           "birth_date": p.birth_date.isoformat() if p.birth_date else None,
                           "household_code": p.hukou_area_code},
                "since": p.arrived_on.isoformat() if p.arrived_on else None, "where": stations[p.grid_id]}
        rows.append(outbox.message(peer, "inflow_notice", data, grid_id=p.grid_id, about=p.id_number))
    outbox.post(actor, rows)
    return len(rows)


def departure(actor: Actor, person_ids: list[int], on_dates: dict[int, dt.date]) -> None:
    """Departures of people whose origin is a peer: the origin is told."""
    peers = directory.active()
    if not peers:
        return
    people = db.session.execute(select(Person.id, Person.id_number, Person.name, Person.hukou_area_code, Person.grid_id)
                                .where(bulk.any_of(Person.id, person_ids), Person.id_number.is_not(None))).all()
    rows = []
    for p in people:
        peer = directory.serving(p.hukou_area_code or p.id_number[:6], peers)
        if peer is not None:
            rows.append(outbox.message(peer, "departure", {
                "person": {"id_number": p.id_number, "name": p.name}, "left_on": on_dates[p.id].isoformat()},
                grid_id=p.grid_id, about=p.id_number))
    outbox.post(actor, rows)


def returned(actor: Actor, grid_id: int, dest_area_code: str | None, id_number: str, name: str,
             on: dt.date) -> None:
    """An origin records a return (返乡): the destination is told."""
    peer = directory.serving(dest_area_code, directory.active())
    if peer is not None:
        outbox.post(actor, [outbox.message(peer, "return", {"person": {"id_number": id_number, "name": name},
                                                            "returned_on": on.isoformat()},
                                           grid_id=grid_id, about=id_number)])


def correction(actor: Actor, grid_id: int, area_code: str | None, old_id_number: str, id_number: str,
               name: str) -> None:
    """A corrected ID number or name, to the peer on the other side of the record."""
    peer = directory.serving(area_code, directory.active())
    if peer is not None:
        outbox.post(actor, [outbox.message(peer, "correction", {
            "old_id_number": old_id_number, "person": {"id_number": id_number, "name": name}},
            grid_id=grid_id, about=id_number)])


def inquiry(actor: Actor, record: Outflow) -> bool:
    """函查: the origin asks the destination's peer about an outflow person. False when no
    peer serves the record's destination."""
    peer = directory.serving(record.dest_area_code, directory.active())
    if peer is None:
        return False
    outbox.post(actor, [outbox.message(peer, "inquiry", {
        "person": {"id_number": record.id_number, "name": record.name}}, grid_id=record.grid_id,
        about=record.id_number)])
    return True
