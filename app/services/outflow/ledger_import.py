"""Importing an outflow ledger (流出人口台账) through the ledger import's engine
(``services.registry.people_import``: upload, file guard, column mapping, dry run, job):
this module is what differs, its columns (``domain.outflow_ledger``), its checks against
the register, and its writer, the register's own ``write`` (one act, one write path).

A row is a duplicate when the person is away on the register already, or this same
absence (same date left) was registered and has ended: importing a ledger twice, or the
register's own export, adds nothing. A person the system knows (a former inflow, a
family member) is linked, never registered twice.
"""
from __future__ import annotations

from sqlalchemy import select

from ...domain import outflow_ledger
from ...domain.clock import utcnow
from ...domain.ledger_rows import Row
from ...domain.text import N_, Message
from ...extensions import db
from ...models import Outflow, Person, PeopleImport, User
from .. import scope
from ..common import bulk
from ..common.context import Actor
from ..registry import people_import
from . import register

LEDGER = "outflow"


def check_rows(user: User, rows: list[Row]) -> None:
    """Against the database, one query per table for the batch."""
    numbers = [r.values["id_number"] for r in rows]
    if not numbers:
        return
    on_register: dict[str, list[tuple]] = {}
    for number, status, left_on, grid_id in db.session.execute(
            select(Outflow.id_number, Outflow.status, Outflow.left_on, Outflow.grid_id)
            .where(bulk.any_of(Outflow.id_number, numbers))):
        on_register.setdefault(number, []).append((status, left_on, grid_id))
    known = dict(db.session.execute(select(Person.id_number, Person.grid_id)
                                    .where(bulk.any_of(Person.id_number, numbers))).all())
    in_scope = scope.grid_ids(user)
    visible = None if in_scope is None else set(in_scope)
    labels = people_import.AreaLabels()
    for row in rows:
        v = row.values
        records = on_register.get(v["id_number"], [])
        away = next((r for r in records if r[0] == "away"), None)
        if away is not None:
            row.error("id_number", Message(N_("已在流出人口名册中（外出未归，%(area)s）"), area=labels.of(away[2], visible)),
                      status="duplicate")
            continue
        if any(left_on == v["left_on"] for _, left_on, _ in records):
            row.error("left_on", N_("这次外出已登记过，且已返乡"), status="duplicate")
            continue
        v["linked"] = v["id_number"] in known
        if v["linked"]:
            row.warn("id_number", Message(N_("人员库中已有此人（%(area)s）：将关联到已有人员，不重复建档"),
                                          area=labels.of(known[v["id_number"]], visible)))


class Writer:
    """Ready rows, a batch at a time, through the register's ``write``."""

    def __init__(self, actor: Actor, job: PeopleImport):
        self.actor, self.job, self.now = actor, job, utcnow()

    def write(self, rows: list[Row]) -> None:
        register.write(self.actor, [{**{k: r.values.get(k) for k in register.FIELDS},
                                     "sex": r.values.get("sex"), "birth_date": r.values.get("birth_date"),
                                     "grid_id": r.values["grid_id"]} for r in rows],
                       source="import", now=self.now)

    def extras(self) -> dict:
        return {}


people_import.KINDS[LEDGER] = people_import.LedgerKind(
    LEDGER, outflow_ledger.COLUMNS, outflow_ledger.read_row, check_rows, Writer, outflow_ledger.DATE_VALUES,
    "outflow.import_job")
