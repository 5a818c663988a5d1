"""The deployment's area tree, kept by the admin."""
from __future__ import annotations

from sqlalchemy import select

from ...domain.text import N_
from ...extensions import db
from ...models import Area, AreaLevel
from ..common import audit
from ..common.context import Actor
from ..common.errors import NotFound, ValidationFailed
from ..figures import store as figures

EDITABLE = ("code", "name", "address", "phone", "hours", "estimated_population")


def child_path(parent: Area | None) -> str:
    return "/" if parent is None else f"{parent.path}{parent.id}/"


def create(actor: Actor, *, parent_id: int | None, code: str, name: str, level: str | None = None,
           address: str | None = None, phone: str | None = None, hours: str | None = None,
           estimated_population: int | None = None, commit: bool = True) -> Area:
    parent = db.session.get(Area, parent_id) if parent_id else None
    if parent_id and parent is None:
        raise ValidationFailed({"parent_id": N_("上级区域不存在")})
    expected = AreaLevel(parent.level).child if parent else AreaLevel.COUNTY
    if expected is None:
        raise ValidationFailed({"parent_id": N_("网格下不能再建区域")})
    if level and level != expected.value:
        raise ValidationFailed({"level": N_("区域层级与上级不符")})
    code, name = (code or "").strip(), (name or "").strip()
    errors = {}
    if not code:
        errors["code"] = N_("请填写区域代码")
    elif db.session.scalars(select(Area).where(Area.code == code)).first():
        errors["code"] = N_("区域代码已存在")
    if not name:
        errors["name"] = N_("请填写名称")
    if errors:
        raise ValidationFailed(errors)
    area = Area(code=code, name=name, level=expected.value, parent=parent, path=child_path(parent),
                address=address or None, phone=phone or None, hours=hours or None,
                estimated_population=_estimate(estimated_population, expected.value))
    db.session.add(area)
    db.session.flush()
    audit.record(actor, "area.create", "area", area.id, None, audit.snapshot(area))
    if commit:
        db.session.commit()
    return area


def update(actor: Actor, area_id: int, **fields) -> Area:
    area = db.session.get(Area, area_id)
    if area is None:
        raise NotFound("area")
    before = audit.snapshot(area, list(EDITABLE))
    code = (fields.get("code") or "").strip()
    if not code or not (fields.get("name") or "").strip():
        raise ValidationFailed({"name": N_("代码和名称不能为空")})
    clash = db.session.scalars(select(Area).where(Area.code == code, Area.id != area.id)).first()
    if clash:
        raise ValidationFailed({"code": N_("区域代码已存在")})
    for key in EDITABLE:
        value = fields.get(key)
        setattr(area, key, value.strip() if isinstance(value, str) and value.strip() else (value or None))
    area.code, area.name = code, fields["name"].strip()
    area.estimated_population = _estimate(fields.get("estimated_population"), area.level)
    old, new = audit.changed_only(before, audit.snapshot(area, list(EDITABLE)))
    if new:
        audit.record(actor, "area.update", "area", area.id, old, new)
    if "estimated_population" in new:  # the registration rate's base changed
        figures.forget(area.id, ["grids.estimate"])
    db.session.commit()
    return area


def _estimate(value, level: str) -> int | None:
    """Only grids hold an estimated population (areas above sum their grids')."""
    if value is None or level != AreaLevel.GRID.value:
        return None
    if not isinstance(value, int) or not 0 <= value <= 1_000_000:
        raise ValidationFailed({"estimated_population": N_("请填写 0 到 1,000,000 之间的整数")})
    return value


def tree() -> list[Area]:
    """All areas, parents before children, siblings by code (for indented lists)."""
    areas = db.session.scalars(select(Area).order_by(Area.code)).all()
    by_parent: dict[int | None, list[Area]] = {}
    for a in areas:
        by_parent.setdefault(a.parent_id, []).append(a)
    out: list[Area] = []

    def walk(parent_id):
        for a in by_parent.get(parent_id, []):
            out.append(a)
            walk(a.id)

    walk(None)
    return out


def township_of(area: Area) -> Area | None:
    node = area
    while node is not None and node.level != AreaLevel.TOWNSHIP.value:
        node = node.parent
    return node
