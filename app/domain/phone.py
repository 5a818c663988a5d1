"""Mainland China mobile numbers."""
from __future__ import annotations

import re

from .text import N_

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class InvalidPhone(ValueError):
    pass


def normalise_mobile(raw: str | None) -> str:
    """Strip spaces, dashes and a +86/0086 prefix; validate the 11-digit form."""
    text = re.sub(r"[\s\-()（）]", "", raw or "")
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    if not text:
        raise InvalidPhone(N_("请填写手机号码"))
    if not _MOBILE.match(text):
        raise InvalidPhone(N_("手机号码应为 11 位，以 13–19 开头"))
    return text


def mask_phone(phone: str | None) -> str:
    if not phone or len(phone) < 7:
        return phone or ""
    return phone[:3] + "****" + phone[-4:]
