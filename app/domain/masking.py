"""How personal data is shown to people who need less than all of it."""
from __future__ import annotations

from .idcard import mask_id_number
from .phone import mask_phone

__all__ = ["mask_id_number", "mask_phone", "mask_name"]


def mask_name(name: str | None) -> str:
    """张*明 for three characters, 张* for two, 欧**明 for four."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
