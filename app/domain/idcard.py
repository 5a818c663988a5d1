"""Resident identity card numbers (GB 11643-1999).

An 18-character number is: a 6-digit address code, an 8-digit birth date, a 3-digit
sequence (odd for men, even for women) and a check character. Legacy 15-digit numbers
have a 2-digit year and no check character; they are converted to 18 characters.

The address code is *not* validated here: a person born in a county whose code has
since been retired still holds a valid number (see ``domain.divisions``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .text import N_, Message

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH = dt.date(1900, 1, 1)


class InvalidIdNumber(ValueError):
    """The text is not a valid identity card number; ``str(exc)`` is a readable reason.

    ``code`` names the fault for callers that translate or count faults
    (the data-quality monitor does).
    """

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message if isinstance(message, Message) else Message(message)
        self.code = code


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    region_code: str

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


def check_character(first17: str) -> str:
    """The check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


# Chinese input methods type full-width digits and letters; they are the same number.
_FULL_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "\uff38": "X", "\uff58": "x"})


def normalise(raw: str) -> str:
    """Strip spaces (including full-width ones), make full-width digits and x ASCII and
    upper-case a trailing x. Digits of other scripts (Arabic-Indic ٤, superscript ²…) are
    left as they are, for ``parse_id_number`` to refuse: Python's ``isdigit`` accepts them."""
    if raw is None:
        return ""
    return "".join(str(raw).split()).replace("\u3000", "").translate(_FULL_WIDTH).upper()


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _birth_date(digits: str) -> dt.date:
    try:
        return dt.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise InvalidIdNumber(
            Message(N_("出生日期 %(date)s 不是有效日期"), date=f"{digits[0:4]}-{digits[4:6]}-{digits[6:8]}"), "bad_date"
        ) from None


def parse_id_number(raw: str, today: dt.date | None = None) -> IdNumber:
    """Validate and normalise an identity card number.

    Accepts surrounding spaces and a lower-case ``x``; converts 15-digit numbers.
    Raises ``InvalidIdNumber`` with a readable message otherwise.
    """
    today = today or dt.date.today()
    text = normalise(raw)
    if not text:
        raise InvalidIdNumber(N_("请填写身份证号码"), "missing")
    if not text.isascii() and any(ch.isdigit() or ch.isnumeric() for ch in text):
        raise InvalidIdNumber(N_("身份证号码只能用 0–9 的数字（及末位 X）填写，请勿使用其他文字的数字"), "foreign_digits")
    if len(text) == 15:
        if not _ascii_digits(text):
            raise InvalidIdNumber(N_("15 位身份证号码只能由数字组成"), "bad_chars")
        first17 = text[:6] + "19" + text[6:]
        text = first17 + check_character(first17)
    elif len(text) != 18:
        raise InvalidIdNumber(Message(N_("身份证号码应为 18 位，现在是 %(n)d 位"), n=len(text)), "bad_length")
    body, last = text[:17], text[17]
    if not _ascii_digits(body) or not (_ascii_digits(last) or last == "X"):
        raise InvalidIdNumber(N_("身份证号码前 17 位须为数字，最后一位为数字或 X"), "bad_chars")
    born = _birth_date(body[6:14])
    if born > today:
        raise InvalidIdNumber(N_("出生日期在未来"), "future_date")
    if born < EARLIEST_BIRTH:
        raise InvalidIdNumber(N_("出生日期早于 1900 年"), "bad_date")
    expected = check_character(body)
    if last != expected:
        raise InvalidIdNumber(N_("校验位不正确，请核对号码（常见原因：抄错一位）"), "bad_check")
    return IdNumber(
        number=text,
        birth_date=born,
        sex="M" if int(body[16]) % 2 == 1 else "F",
        region_code=body[:6],
    )


def mask_id_number(number: str | None) -> str:
    """First 6 and last 4 characters, the rest hidden: ``110101********123X``."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def make_id_number(region_code: str, born: dt.date, sequence: int) -> str:
    """Build a valid 18-character number (demo data and tests)."""
    first17 = f"{region_code}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_character(first17)
