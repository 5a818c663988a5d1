"""Audit samples: a supervisor draws records at random per grid, checks each against
reality (pass, or fail with a note), and the coordinator fixes what failed."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from ...domain import sampling
from ...domain.clock import month_bounds, utcnow
from ...domain.text import N_
from ...extensions import db
from ...models import AuditSample, AuditSampleItem, Person, User
from .. import scope
from ..admin import settings
from ..common import audit
from ..common.context import Actor
from ..common.errors import NotFound, ValidationFailed
from .staff import month_range

RESULTS = ("pass", "fail")


def _scoped(stmt, user: User):
    condition = scope.grid_filter(user, AuditSample.grid_id)
    return stmt if condition is None else stmt.where(condition)


def population(grid_id: int, month: dt.date | None) -> list[int]:
    """The records a sample is drawn from: people present in the grid, and if ``month``
    is given only those entered that month (the month's new work)."""
    stmt = select(Person.id).where(Person.grid_id == grid_id, Person.status == "present")
    if month is not None:
        start, end = month_range(month)
        stmt = stmt.where(Person.entered_at >= start, Person.entered_at < end)
    return list(db.session.scalars(stmt))


def draw(actor: Actor, user: User, grid_ids: list[int], *, month: dt.date | None = None,
         seed: int | None = None, size: int | None = None) -> list[AuditSample]:
    """One sample per grid (each grid must be in the user's scope); one seed for them all."""
    grids = [scope.get_grid(user, g) for g in grid_ids]
    if not grids:
        raise ValidationFailed({"grid_id": N_("请选择网格")})
    seed = seed or sampling.new_seed()
    size = size or settings.get("audit.sample_size")
    month = month_bounds(month)[0] if month else None
    samples = []
    for grid in grids:
        ids = population(grid.id, month)
        chosen = sampling.draw(ids, seed, size)
        sample = AuditSample(grid_id=grid.id, month=month, seed=seed, size=size, population=len(ids),
                             drawn_by_id=actor.user_id, drawn_at=utcnow())
        creators = dict(db.session.execute(
            select(Person.id, Person.created_by_id).where(Person.id.in_(chosen))).all()) if chosen else {}
        sample.items = [AuditSampleItem(person_id=pid, position=i, entered_by_id=creators.get(pid))
                        for i, pid in enumerate(chosen)]
        db.session.add(sample)
        db.session.flush()
        audit.record(actor, "audit.draw", "audit_sample", sample.id, None,
                     {"grid_id": grid.id, "seed": seed, "size": size, "population": len(ids),
                      "month": month, "person_ids": chosen})
        samples.append(sample)
    db.session.commit()
    return samples


def redraw(sample: AuditSample) -> list[int]:
    """The sample drawn again from today's records with its seed: equal to the stored one
    while the grid's records are unchanged (a check anyone can make)."""
    return sampling.draw(population(sample.grid_id, sample.month), sample.seed, sample.size)


@dataclass
class SampleRow:
    sample: AuditSample
    checked: int
    failed: int


def recent(user: User, limit: int = 30) -> list[SampleRow]:
    checked = func.count(AuditSampleItem.result)
    failed = func.sum(case((AuditSampleItem.result == "fail", 1), else_=0))
    stmt = _scoped(select(AuditSample, checked, failed).outerjoin(AuditSampleItem)
                   .options(joinedload(AuditSample.grid)).group_by(AuditSample.id)
                   .order_by(AuditSample.id.desc()).limit(limit), user)
    return [SampleRow(s, c or 0, f or 0) for s, c, f in db.session.execute(stmt)]


def get(user: User, sample_id: int) -> AuditSample:
    sample = db.session.scalars(_scoped(select(AuditSample).where(AuditSample.id == sample_id), user)).first()
    if sample is None:
        raise NotFound("audit_sample")
    return sample


def items(sample: AuditSample) -> list[AuditSampleItem]:
    return list(db.session.scalars(
        select(AuditSampleItem).where(AuditSampleItem.sample_id == sample.id)
        .options(joinedload(AuditSampleItem.person).joinedload(Person.dwelling),
                 joinedload(AuditSampleItem.entered_by)).order_by(AuditSampleItem.position)))


def get_item(user: User, item_id: int) -> AuditSampleItem:
    stmt = _scoped(select(AuditSampleItem).join(AuditSample).where(AuditSampleItem.id == item_id), user)
    item = db.session.scalars(stmt).first()
    if item is None:
        raise NotFound("audit_sample_item")
    return item


def check(actor: Actor, user: User, item_id: int, result: str, note: str | None) -> AuditSampleItem:
    item = get_item(user, item_id)
    note = (note or "").strip()[:200] or None
    if result not in RESULTS:
        raise ValidationFailed({"result": N_("请选择合格或不合格")})
    if result == "fail" and not note:
        raise ValidationFailed({"note": N_("不合格时请写明问题，协管员据此整改")})
    before = {"result": item.result, "note": item.note}
    item.result, item.note, item.checked_by_id, item.checked_at = result, note, actor.user_id, utcnow()
    item.fixed_at = item.fixed_by_id = None  # a new verdict: a fail must be fixed again
    audit.record(actor, "audit.check", "audit_sample_item", item.id, before,
                 {"result": result, "note": note, "person_id": item.person_id})
    db.session.commit()
    return item


def to_fix(user: User) -> list[AuditSampleItem]:
    """Failed checks not fixed yet, in the user's grids, oldest first."""
    stmt = _scoped(select(AuditSampleItem).join(AuditSample)
                   .where(AuditSampleItem.result == "fail", AuditSampleItem.fixed_at.is_(None))
                   .options(joinedload(AuditSampleItem.person), joinedload(AuditSampleItem.sample).joinedload(AuditSample.grid))
                   .order_by(AuditSampleItem.checked_at), user)
    return list(db.session.scalars(stmt))


def mark_fixed(actor: Actor, user: User, item_id: int) -> AuditSampleItem:
    item = get_item(user, item_id)
    if item.result != "fail":
        raise ValidationFailed({"result": N_("只有不合格的记录需要整改")})
    item.fixed_at, item.fixed_by_id = utcnow(), actor.user_id
    audit.record(actor, "audit.fixed", "audit_sample_item", item.id, None, {"person_id": item.person_id})
    db.session.commit()
    return item


@dataclass
class CoordinatorAudit:
    user: User | None
    checked: int
    passed: int
    failed: int
    fixed: int

    @property
    def pass_rate(self) -> float | None:
        return sampling.pass_rate(self.passed, self.checked)


def report(user: User, month: dt.date) -> list[CoordinatorAudit]:
    """Per coordinator whose records were checked in ``month``: checked, passed, failed,
    fixed (one grouped query)."""
    start, end = month_range(month)
    is_fail = AuditSampleItem.result == "fail"
    stmt = _scoped(
        select(AuditSampleItem.entered_by_id, func.count(),
               func.sum(case((AuditSampleItem.result == "pass", 1), else_=0)),
               func.sum(case((is_fail, 1), else_=0)),
               func.sum(case((is_fail & AuditSampleItem.fixed_at.is_not(None), 1), else_=0)))
        .join(AuditSample).where(AuditSampleItem.checked_at >= start, AuditSampleItem.checked_at < end)
        .group_by(AuditSampleItem.entered_by_id), user)
    rows = db.session.execute(stmt).all()
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r[0] for r in rows if r[0]])))}
    out = [CoordinatorAudit(users.get(uid), n, p or 0, f or 0, x or 0) for uid, n, p, f, x in rows]
    return sorted(out, key=lambda r: (r.user is None, r.user.name if r.user else ""))
