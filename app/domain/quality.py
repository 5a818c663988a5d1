"""Data-quality rules on single values, as the monitoring report of seed 001 names them:
ID number missing, nonstandard, or with a bad check character; household address code
not in the division data, or not down to the township (乡镇/街道); and the dates that
decide whether a record has gone unvisited by the monthly sweep.

The monitor counts these over whole areas in SQL (``services.common.sql_rules`` builds the same
tests from the constants of ``domain.idcard``; a test holds the two to the same answers);
these functions say, for one record on a fix-it list, what exactly is wrong.
"""
from __future__ import annotations

import datetime as dt
import re

from . import divisions
from .dates import add_months_to_first, anniversary, first_of_month
from .idcard import InvalidIdNumber, normalise, parse_id_number
from .text import N_, Message

MISSING, NONSTANDARD, BAD_CHECK = "missing", "nonstandard", "bad_check"
UNKNOWN_CODE, RETIRED_CODE, NOT_TOWNSHIP = "unknown", "retired", "not_township"

STANDARD_FORM = re.compile(r"[0-9]{17}[0-9X]")
# parse_id_number's fault codes, grouped as the monitoring report counts them.
_CATEGORY = {"missing": MISSING, "bad_chars": NONSTANDARD, "bad_length": NONSTANDARD, "bad_date": NONSTANDARD,
             "future_date": NONSTANDARD, "bad_check": BAD_CHECK}


def id_problem(stored: str | None, today: dt.date | None = None) -> tuple[str, Message] | None:
    """What is wrong with an ID number as it is stored, or None.

    Stored numbers must be in the standard form: 18 characters, ASCII digits and an
    upper-case X. A legacy 15-digit number, or one with spaces or a lower-case x, is
    valid to type but nonstandard to keep (it would not match the same person's 18-digit
    record); a number not in the standard form is counted as nonstandard even when its
    check character is wrong too. The form is checked first, then the date, then the
    check character, as ``services.common.sql_rules.id_fault`` does.
    """
    if not stored:
        return MISSING, Message(N_("未登记身份证号码"))
    standard = STANDARD_FORM.fullmatch(stored) is not None
    try:
        parsed = parse_id_number(stored, today)
    except InvalidIdNumber as exc:
        category = _CATEGORY.get(exc.code, NONSTANDARD)
        return (category if standard else NONSTANDARD), exc.message
    if not standard:
        if len(normalise(stored)) == 15:
            return NONSTANDARD, Message(N_("15 位旧号码，应改为 18 位：%(number)s"), number=parsed.masked)
        return NONSTANDARD, Message(N_("写法不规范（空格、小写 x 或全角字符），应为 %(number)s"), number=parsed.masked)
    return None


def id_body(stored: str | None) -> str | None:
    """The first 17 characters of the 18-digit form; two records with the same body hold
    the same number (written in 15 and 18 digits, or with one check character mistyped).
    ``services.common.sql_rules.id_body`` is the same rule in SQL."""
    if not stored:
        return None
    if len(stored) == 15:
        return stored[:6] + "19" + stored[6:]
    return stored[:17]


def hukou_problem(code: str | None) -> tuple[str, Message] | None:
    """What is wrong with a household address code, or None.

    ``unknown``: the code is in no division list, current or retired (a typing error).
    ``retired``: a county code that no longer exists (阜阳地区 became 阜阳市): a real
    place, kept as the ledger or the ID number gave it, to be brought up to date.
    ``not_township``: missing, or it names only a province, city or county (seed 001:
    地址未登记到乡镇（街道）).
    """
    if not code:
        return NOT_TOWNSHIP, Message(N_("未登记户籍地"))
    status = divisions.status(code)
    if status is divisions.CodeStatus.UNKNOWN:
        return UNKNOWN_CODE, Message(N_("户籍地代码 %(code)s 不在区划库中"), code=code)
    if status is divisions.CodeStatus.RETIRED:
        return RETIRED_CODE, Message(N_("户籍地代码 %(code)s 为已撤销的区划（%(name)s），请改为现行区划"),
                                     code=code, name=divisions.full_name(code) or code)
    if len(divisions.normalise_code(code)) < 9:
        name = divisions.full_name(code) or code
        return NOT_TOWNSHIP, Message(N_("户籍地只登记到 %(name)s，未到乡镇（街道）"), name=name)
    return None


def id_exempt_born_after(today: dt.date, age: int) -> dt.date:
    """People born after this day are under ``age`` and may have no ID number yet."""
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # 29 February
        return today.replace(year=today.year - age, day=28)


def visits_since(today: dt.date, months: int) -> dt.date:
    """The first month whose sweep visits count as recent: ``months`` months up to and
    including this one (3 in December: October, November, December)."""
    return add_months_to_first(first_of_month(today), 1 - months)


def entered_before(today: dt.date, months: int) -> dt.date:
    """Records entered before this day were entered more than ``months`` months ago:
    their ``months``-month anniversary (``dates.anniversary``) is before ``today``."""
    day = add_months_to_first(first_of_month(today), -months - 1)  # its anniversary is last month at the latest
    while anniversary(day, months) < today:
        day += dt.timedelta(days=1)
    return day
