"""Reading and changing the admin's settings (``domain.settings`` defines them)."""
from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import select

from ...domain.settings import BY_KEY, DEFINITIONS, Definition, InvalidSetting, parse
from ...extensions import db
from ...models import Setting
from ..common import audit
from ..common.context import Actor
from ..common.errors import ValidationFailed


def _stored() -> dict:
    """Every stored value, read once per request (a handful of rows)."""
    memo = request.environ if has_request_context() else None
    if memo is not None and "anju.settings" in memo:
        return memo["anju.settings"]
    values = dict(db.session.execute(select(Setting.key, Setting.value)).all())
    if memo is not None:
        memo["anju.settings"] = values
    return values


def get(key: str):
    definition = BY_KEY[key]  # a KeyError here is a typo in the code, not bad input
    value = _stored().get(key)
    return definition.default if value is None else value


def values() -> list[tuple[Definition, object]]:
    """Every setting with its current value, in the order they are defined."""
    stored = _stored()
    return [(d, d.default if stored.get(d.key) is None else stored[d.key]) for d in DEFINITIONS]


def update(actor: Actor, raw: dict[str, str]) -> list[str]:
    """Check every typed value first, then save those that changed (one audit row each).
    Returns the changed keys; raises ``ValidationFailed`` (keyed by setting) and saves
    nothing if any value is wrong."""
    parsed, errors = {}, {}
    for definition in DEFINITIONS:
        if definition.key not in raw and definition.kind != "bool":
            continue
        try:
            parsed[definition.key] = parse(definition, raw.get(definition.key))
        except InvalidSetting as exc:
            errors[definition.key] = exc.message
    if errors:
        raise ValidationFailed(errors)
    current = dict(values_by_key())
    changed = [k for k, v in parsed.items() if v != current[k]]
    for key in changed:
        row = db.session.get(Setting, key) or Setting(key=key)
        row.value, row.updated_by_id = parsed[key], actor.user_id
        db.session.add(row)
        audit.record(actor, "setting.update", "setting", None, {"key": key, "value": current[key]},
                     {"key": key, "value": parsed[key]})
    db.session.commit()
    if has_request_context():
        request.environ.pop("anju.settings", None)
    return changed


def values_by_key() -> dict:
    return {d.key: v for d, v in values()}
