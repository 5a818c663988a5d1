"""Service types: the admin's list of free services, their rules, and the shipped defaults."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import has_request_context, request
from sqlalchemy import select
from sqlalchemy import update as sql_update

from ...domain import schedules
from ...domain.choices import codes
from ...domain.clock import local_today, utcnow
from ...domain.service_defaults import DEFAULT_TYPES
from ...domain.text import N_
from ...extensions import db
from ...models import Appointment, ServiceType
from ..common import audit
from ..common.context import Actor
from ..common.errors import NotFound, ValidationFailed
from ..common.locking import check_version, flush_or_stale

_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
# Which cadences fit which category.
KINDS_BY_CATEGORY = {"checkup": ("per_year", "every_months"), "vaccination": ("age_schedule",),
                     "document": ("document",)}


@dataclass(frozen=True)
class TypeRules:
    """A type with its rules parsed: what the planner and the pages work from."""

    id: int
    code: str
    name: str
    category: str
    eligibility: schedules.Eligibility
    cadence: schedules.Cadence
    place: str
    sms_enabled: bool
    sms_days_before: int
    deadline_rule: str
    active: bool


def rules_of(t: ServiceType) -> TypeRules:
    return TypeRules(t.id, t.code, t.name, t.category, schedules.Eligibility.from_json(t.eligibility),
                     schedules.Cadence.from_json(t.cadence), t.place or "", bool(t.sms_enabled),
                     int(t.sms_days_before or 0), t.deadline_rule, bool(t.active))


def all_types() -> list[ServiceType]:
    """Every type, in the admin's order; read once per request (a page asks several times)."""
    memo = request.environ if has_request_context() else None
    if memo is not None and "anju.service_types" in memo:
        return list(memo["anju.service_types"])
    types = list(db.session.scalars(select(ServiceType).order_by(ServiceType.sort_order, ServiceType.id)))
    if memo is not None:
        memo["anju.service_types"] = types
    return list(types)


def _forget() -> None:
    if has_request_context():
        request.environ.pop("anju.service_types", None)


def active_rules() -> list[TypeRules]:
    return [rules_of(t) for t in all_types() if t.active]


def rules_by_id() -> dict[int, TypeRules]:
    return {t.id: rules_of(t) for t in all_types()}


def get(type_id: int) -> ServiceType:
    t = db.session.get(ServiceType, type_id) if isinstance(type_id, int) and 0 < type_id < 2**31 else None
    if t is None:
        raise NotFound("service_type")
    return t


def _checked(fields: dict, existing: ServiceType | None) -> dict:
    """The form's fields as column values, or ``ValidationFailed`` keyed by field."""
    errors: dict = {}
    code = existing.code if existing else (fields.get("code") or "").strip()
    category = existing.category if existing else fields.get("category")
    if not existing:
        if not _CODE.match(code):
            errors["code"] = N_("编码用小写字母、数字和下划线，字母开头，2–40 个字符")
        elif db.session.scalar(select(ServiceType.id).where(ServiceType.code == code)):
            errors["code"] = N_("此编码已被使用")
        if category not in KINDS_BY_CATEGORY:
            errors["category"] = N_("请选择类别")
    name = (fields.get("name") or "").strip()
    if not name:
        errors["name"] = N_("请填写名称")
    eligibility = cadence = None
    try:
        eligibility = schedules.parse_eligibility(fields)
    except schedules.RuleError as exc:
        errors.update(exc.errors)
    try:
        cadence = schedules.parse_cadence(fields)
    except schedules.RuleError as exc:
        errors.update(exc.errors)
    if cadence and category in KINDS_BY_CATEGORY and cadence.kind not in KINDS_BY_CATEGORY[category]:
        errors["kind"] = N_("周期类型与类别不符（体检：每年 N 次或每 N 个月；接种：按年龄；证件：证件）")
    days = fields.get("sms_days_before")
    try:
        days = int(str(days).strip())
        if not 0 <= days <= 90:
            raise ValueError
    except (TypeError, ValueError):
        errors["sms_days_before"] = N_("提前天数应为 0 到 90")
    try:
        sort_order = int(str(fields.get("sort_order") or 0).strip() or 0)
    except ValueError:
        errors["sort_order"] = N_("请填写整数")
        sort_order = 0
    deadline_rule = fields.get("deadline_rule") or "due_date"
    if deadline_rule not in codes(schedules.DEADLINE_RULES):
        errors["deadline_rule"] = N_("请选择期限规则")
    if errors:
        raise ValidationFailed(errors)
    return dict(code=code, category=category, name=name[:60], eligibility=eligibility.to_json(),
                cadence=cadence.to_json(), place=(fields.get("place") or "").strip()[:200] or None,
                instructions=(fields.get("instructions") or "").strip()[:500] or None,
                sms_enabled=bool(fields.get("sms_enabled")), sms_days_before=days, deadline_rule=deadline_rule,
                active=bool(fields.get("active")), sort_order=sort_order)


def create(actor: Actor, fields: dict) -> ServiceType:
    values = _checked(fields, None)
    t = ServiceType(**values)
    db.session.add(t)
    db.session.flush()
    audit.record(actor, "service_type.create", "service_type", t.id, None, audit.snapshot(t))
    db.session.commit()
    _forget()
    return t


def update(actor: Actor, type_id: int, version: int | None, fields: dict) -> tuple[ServiceType, int]:
    """Change a type; switching it off, or rules that no longer call for them, cancel its
    appointments still ahead. Returns the type and how many appointments were cancelled."""
    t = get(type_id)
    check_version(t, version)
    values = _checked(fields, t)
    before = audit.snapshot(t)
    for key, value in values.items():
        setattr(t, key, value)
    cancelled = 0
    if not t.active and before["active"]:
        cancelled = cancel_future_of_type(t.id, "type_inactive")
    flush_or_stale(t)
    if t.active and (t.eligibility != before["eligibility"] or t.cadence != before["cadence"]):
        from .planning import recheck_type  # planning builds on this module
        cancelled += sum(recheck_type(rules_of(t)).values())
    old, new = audit.changed_only(before, audit.snapshot(t))
    if new:
        audit.record(actor, "service_type.update", "service_type", t.id, old, {**new, "cancelled": cancelled})
    db.session.commit()
    _forget()
    return t, cancelled


def cancel_future_of_type(type_id: int, reason: str) -> int:
    result = db.session.execute(
        sql_update(Appointment).where(Appointment.service_type_id == type_id, Appointment.status == "planned",
                                  Appointment.due_on >= local_today())
        .values(status="cancelled", cancel_reason=reason, updated_at=utcnow(), version=Appointment.version + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount


def install_defaults(actor: Actor) -> list[str]:
    """Add the shipped types that are missing (matched by code); never changes existing ones."""
    existing = set(db.session.scalars(select(ServiceType.code)))
    added = []
    for order, spec in enumerate(DEFAULT_TYPES, start=1):
        if spec["code"] in existing:
            continue
        values = {**spec, "eligibility": spec["eligibility"].to_json(), "cadence": spec["cadence"].to_json(),
                  "sort_order": order * 10}
        t = ServiceType(**values)
        db.session.add(t)
        db.session.flush()
        audit.record(actor, "service_type.install", "service_type", t.id, None, {"code": t.code})
        added.append(t.code)
    db.session.commit()
    _forget()
    return added


def form_values(t: ServiceType) -> dict:
    """A type's columns and rules as the admin form's field values."""
    eligibility = schedules.Eligibility.from_json(t.eligibility)
    cadence = schedules.Cadence.from_json(t.cadence)
    return dict(code=t.code, name=t.name, category=t.category, place=t.place, instructions=t.instructions,
                sms_enabled=t.sms_enabled, sms_days_before=t.sms_days_before, deadline_rule=t.deadline_rule,
                active=t.active, sort_order=t.sort_order, version=t.version,
                sex=eligibility.sex or "", age_min=eligibility.age_min, age_max=eligibility.age_max,
                marital=list(eligibility.marital), household_role=eligibility.household_role or "",
                child_age_max=eligibility.child_age_max, opt_in=eligibility.opt_in,
                kind=cadence.kind, times=cadence.times, months=cadence.months,
                doses=schedules.doses_text(cadence.doses), apply_after_months=cadence.apply_after_months,
                renew_every_months=cadence.renew_every_months)
