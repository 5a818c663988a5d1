"""Reading the audit log (writing it is ``services.common.audit``).

Entries keep what was written, full identity numbers included (forensics); whoever reads
them sees the numbers masked, unless they reveal one entry, which is itself audited
(``audit.view_id``), as on a person's page.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...domain.masking import mask_id_numbers
from ...domain.text import N_
from ...extensions import db
from ...models import AuditLog, User
from ..common import audit
from ..common.context import Actor
from ..common.errors import NotFound
from ..common import paging
from ..common.paging import Cursor, Page, Seek

# What the keys of before/after mean, for people reading the log (others show as they are).
FIELD_LABELS = {
    "id_number": N_("身份证号码"), "name": N_("姓名"), "sex": N_("性别"), "birth_date": N_("出生日期"),
    "ethnicity": N_("民族"), "phone": N_("手机号码"), "hukou_area_code": N_("户籍地区划代码"),
    "hukou_address": N_("户籍详细地址"), "marital_status": N_("婚姻状况"), "education": N_("文化程度"),
    "occupation": N_("职业"), "reason_for_coming": N_("来本地原因"), "arrived_on": N_("来本地日期"),
    "expected_stay": N_("预计居住期限"), "employer": N_("工作单位"), "collected_at": N_("信息采集时间"),
    "entered_at": N_("录入时间"), "status": N_("状态"), "left_on": N_("注销日期"), "grid_id": N_("网格"),
    "dwelling_id": N_("住所"), "room": N_("房间号"), "address": N_("地址"), "landlord_id_number": N_("房东身份证号"),
    "destination": N_("去向"), "reason": N_("原因"), "version": N_("版本"), "person_id": N_("人员"),
}


def _filtered(*, entity: str = "", action: str = "", username: str = "", entity_id: int | None = None):
    stmt = select(AuditLog)
    if entity:
        stmt = stmt.where(AuditLog.entity == entity)
    if entity_id:
        stmt = stmt.where(AuditLog.entity_id == entity_id)
    if action:
        stmt = stmt.where(AuditLog.action.startswith(action))
    if username:
        stmt = stmt.where(AuditLog.user_id.in_(select(User.id).where(User.username == username)))
    return stmt


def search(*, cursor: Cursor = Cursor(), per_page: int = 50, **filters) -> Page:
    """A page of entries, newest first (by id: the order they were written in)."""
    stmt = _filtered(**filters)
    seek = Seek.of(cursor, (AuditLog.id,), per_page, lambda i: (i,), descending=True)
    return seek.run(stmt.options(joinedload(AuditLog.user)), paging.total(stmt, cursor))


def every(**filters) -> Iterator[AuditLog]:
    """All entries the filters select, newest first, streamed (for an export)."""
    stmt = _filtered(**filters).options(joinedload(AuditLog.user)).order_by(AuditLog.id.desc())
    return iter(db.session.scalars(stmt.execution_options(yield_per=1000)))


@dataclass(frozen=True)
class Change:
    key: str
    label: str | None  # a message to translate, or None: show the key
    before: str
    after: str


def shown(value) -> str:
    """A before/after value as text: nested values as JSON with their characters as they are."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def has_id_number(entry: AuditLog) -> bool:
    """Whether masking hides anything in this entry (it then offers to reveal it)."""
    return list(masked(entry)) != [entry.before, entry.after]


def masked(entry: AuditLog) -> tuple:
    """Before and after with every identity number masked."""
    return mask_id_numbers(entry.before), mask_id_numbers(entry.after)


def changes(entry: AuditLog, *, reveal: bool = False) -> list[Change]:
    """The entry's before/after as rows, one per key, identity numbers masked unless ``reveal``."""
    before, after = (entry.before, entry.after) if reveal else masked(entry)
    if not all(value is None or isinstance(value, dict) for value in (before, after)):
        return [Change("", None, shown(before), shown(after))]
    before, after = before or {}, after or {}
    keys = list(before) + [k for k in after if k not in before]
    return [Change(k, FIELD_LABELS.get(k), shown(before.get(k)), shown(after.get(k))) for k in keys]


def reveal(actor: Actor, entry_id: int) -> AuditLog:
    """One entry with its full identity numbers; reading them is logged like a write."""
    entry = db.session.get(AuditLog, entry_id)
    if entry is None:
        raise NotFound("audit_log")
    audit.record(actor, "audit.view_id", "audit_log", entry.id)
    db.session.commit()
    return entry

