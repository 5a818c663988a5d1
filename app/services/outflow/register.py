"""Writing the outflow register: one function per act, whatever the entry (the
coordinator's form, a ledger import, a destination's notice through the exchange).

- ``write`` registers absences in the caller's transaction (every entry ends there);
  ``register`` is the coordinator's form: checked, written, committed.
- ``update`` edits with optimistic locking; a corrected ID number or name is sent to the
  destination that knows the person (``exchange.notify.correction``).
- ``record_return`` closes an absence (返乡) and tells the destination.
- ``add_left_behind`` records a child or an elderly person who stays home.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ...domain import outflow as rules
from ...domain.clock import local_today, utcnow
from ...domain.idcard import InvalidIdNumber, parse_id_number
from ...domain.text import N_
from ...extensions import db
from ...models import Area, AuditLog, LeftBehind, Outflow, Person, User
from .. import scope
from ..common import audit, bulk
from ..common.context import Actor
from ..common.errors import NotFound, StaleEdit, ValidationFailed
from ..common.locking import check_version, commit_or_stale
from ..exchange import notify

# What a coordinator types about an absence; identity (ID number, name) and dates included.
FIELDS = ("id_number", "name", "left_on", "dest_area_code", "dest_address", "reason", "occupation",
          "employer", "phone", "home_contact", "home_phone", "expected_return")
LEFT_BEHIND_FIELDS = ("name", "id_number", "birth_date", "relation", "carer", "carer_phone")


def normalise(fields: dict, today: dt.date | None = None) -> dict:
    """Typed values stripped, the ID number checked as at registration (GB 11643), birth
    date and sex taken from it; raises ``ValidationFailed`` by field."""
    today = today or local_today()
    out = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in fields.items() if k in FIELDS}
    errors = {}
    try:
        parsed = parse_id_number(out.get("id_number") or "")
        out.update(id_number=parsed.number, birth_date=parsed.birth_date, sex=parsed.sex)
    except InvalidIdNumber as exc:
        errors["id_number"] = exc.message
    if not out.get("name"):
        errors["name"] = N_("请填写姓名")
    errors.update(rules.absence_problems(out.get("left_on"), today, out.get("expected_return"),
                                         born=out.get("birth_date")))
    if errors:
        raise ValidationFailed(errors)
    return out


def away_record(id_number: str) -> Outflow | None:
    """The open absence of this ID number, if any (at most one)."""
    return db.session.scalars(select(Outflow).where(Outflow.id_number == id_number,
                                                    Outflow.status == "away")).first()


def write(actor: Actor, rows: list[dict], *, source: str = "staff", needs_review: bool = False,
          now: dt.datetime | None = None) -> list[int]:
    """Write absences (each a dict of ``FIELDS`` plus ``grid_id``, normalised) in the
    caller's transaction, linked to the person the system already knows by ID number,
    with an audit row each. Returns the new ids."""
    if not rows:
        return []
    now = now or utcnow()
    numbers = [r["id_number"] for r in rows]
    known = dict(db.session.execute(select(Person.id_number, Person.id).where(bulk.any_of(Person.id_number, numbers))).all())
    records = []
    for r in rows:
        record = {k: r.get(k) for k in FIELDS}
        record.update(sex=r.get("sex"), birth_date=r.get("birth_date"), grid_id=r["grid_id"],
                      person_id=known.get(r["id_number"]), status="away", returned_on=None, source=source,
                      needs_review=needs_review, confirmed_at=r.get("confirmed_at"), inquired_at=None,
                      created_at=now, created_by_id=actor.user_id, updated_at=now, version=1)
        records.append(record)
    ids = bulk.write_with_ids(Outflow.__table__, records)
    bulk.write(AuditLog.__table__, [
        audit.row(actor, "outflow.register", "outflow", rec["id"],
                  {k: v for k, v in rec.items() if v is not None and k not in ("updated_at", "created_at")}, now)
        for rec in records])
    return ids


def register(actor: Actor, user: User, fields: dict, grid_id: int) -> Outflow:
    """The coordinator's form: one absence in one of the user's grids."""
    grid = scope.get_grid(user, grid_id)
    data = normalise(fields)
    if away_record(data["id_number"]) is not None:
        raise ValidationFailed({"id_number": N_("此人已在流出人口名册中（外出未归），请在原记录上更新")})
    try:
        (new_id,) = write(actor, [{**data, "grid_id": grid.id}])
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return db.session.get(Outflow, new_id)


def get(user: User, outflow_id: int) -> Outflow:
    record = db.session.get(Outflow, outflow_id)
    if record is None or not scope.may_see_grid(user, record.grid_id):
        raise NotFound(outflow_id)
    return record


def update(actor: Actor, user: User, outflow_id: int, version: int, fields: dict) -> Outflow:
    record = get(user, outflow_id)
    check_version(record, version)
    data = normalise({**{k: getattr(record, k) for k in FIELDS}, **fields})
    if data["id_number"] != record.id_number:
        other = away_record(data["id_number"])
        if other is not None and other.id != record.id:
            raise ValidationFailed({"id_number": N_("此身份证号码已有另一条外出未归的记录")})
    before = audit.snapshot(record, FIELDS)
    old_identity = (record.id_number, record.name)
    for key in FIELDS:
        setattr(record, key, data.get(key))
    record.birth_date, record.sex = data["birth_date"], data["sex"]
    record.needs_review = False
    after = audit.snapshot(record, FIELDS)
    changed_before, changed_after = audit.changed_only(before, after)
    if changed_after:
        audit.record(actor, "outflow.update", "outflow", record.id, changed_before, changed_after)
    if old_identity != (record.id_number, record.name):
        notify.correction(actor, record.grid_id, record.dest_area_code, old_identity[0],
                          record.id_number, record.name)
    commit_or_stale(record)
    return record


def record_return(actor: Actor, user: User, outflow_id: int, version: int, on: dt.date | None) -> Outflow:
    record = get(user, outflow_id)
    check_version(record, version)
    if not record.away:
        raise ValidationFailed({"returned_on": N_("此人已返乡")})
    on = on or local_today()
    problems = rules.absence_problems(record.left_on, local_today(), returned_on=on)
    if "returned_on" in problems:
        raise ValidationFailed({"returned_on": problems["returned_on"]})
    record.status, record.returned_on = "returned", on
    audit.record(actor, "outflow.return", "outflow", record.id, {"status": "away"},
                 {"status": "returned", "returned_on": on})
    notify.returned(actor, record.grid_id, record.dest_area_code, record.id_number, record.name, on)
    commit_or_stale(record)
    return record


def add_left_behind(actor: Actor, user: User, outflow_id: int, fields: dict) -> LeftBehind:
    """A child under 16 or a person 60+ staying home while ``outflow`` is away. The birth
    date comes from the ID number when one is given."""
    record = get(user, outflow_id)
    data = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in fields.items() if k in LEFT_BEHIND_FIELDS}
    errors = {}
    if data.get("id_number"):
        try:
            parsed = parse_id_number(data["id_number"])
            data["id_number"], data["birth_date"] = parsed.number, parsed.birth_date
        except InvalidIdNumber as exc:
            errors["id_number"] = exc.message
    if not data.get("name"):
        errors["name"] = N_("请填写姓名")
    kind = None
    if data.get("birth_date") is None:
        errors.setdefault("birth_date", N_("请填写出生日期或身份证号码"))
    elif problem := rules.left_behind_problem(data["birth_date"], local_today()):
        errors["birth_date"] = problem
    else:
        kind = rules.left_behind_kind(data["birth_date"], local_today())
    if errors:
        raise ValidationFailed(errors)
    member = LeftBehind(outflow_id=record.id, grid_id=record.grid_id, kind=kind, **data)
    db.session.add(member)
    db.session.flush()
    audit.record(actor, "left_behind.add", "left_behind", member.id, None,
                 {**audit.snapshot(member, ("outflow_id", "kind", "name", "birth_date", "relation", "carer"))})
    db.session.commit()
    return member


def home_grid_for(area_code: str | None) -> Area | None:
    """The grid a resident with this household code belongs to, as well as the area tree
    tells: the first grid under the deepest area whose code the household code starts
    with (a coordinator then reviews it)."""
    code = (area_code or "").strip()
    areas = [a for a in db.session.scalars(select(Area).where(Area.level != "grid")) if a.code and code.startswith(a.code)]
    base = max(areas, key=lambda a: len(a.code), default=None)
    grids = select(Area).where(Area.level == "grid").order_by(Area.id)
    if base is not None:
        grids = grids.where(Area.path.startswith(f"{base.path}{base.id}/"))
    return db.session.scalars(grids.limit(1)).first()


__all__ = ["FIELDS", "LEFT_BEHIND_FIELDS", "StaleEdit", "add_left_behind", "away_record", "get", "home_grid_for",
           "normalise", "record_return", "register", "update", "write"]
