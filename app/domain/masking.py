"""How personal data is shown to people who need less than all of it."""
from __future__ import annotations

import re

from .idcard import mask_id_number
from .phone import mask_phone

__all__ = ["mask_id_number", "mask_id_numbers", "mask_phone", "mask_name"]


def mask_name(name: str | None) -> str:
    """张*明 for three characters, 张* for two, 欧**明 for four."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# An identity number written anywhere in free text (15 or 18 characters, not part of a
# longer run of digits): masked in audit entries whatever key it sits under.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")


def mask_id_numbers(value):
    """``value`` (JSON-like: dicts, lists, text) with every identity number masked: the
    values of keys that name one (``id_number``, ``landlord_id_number``, …) and numbers
    that appear in text. Other values are returned as they are."""
    if isinstance(value, dict):
        return {k: (mask_id_number(v) if isinstance(v, str) and "id_number" in str(k) else mask_id_numbers(v))
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_id_numbers(v) for v in value]
    if isinstance(value, str):
        return _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(1)), value)
    return value
