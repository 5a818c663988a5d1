"""Printed notices: how far away a person's household registration is, and the deadline
a document reminder notice (催办通知书) gives (seed 000: 15 days within the city, 30
within the province, 60 from another province; the days are settings)."""
from __future__ import annotations

import datetime as dt

from .divisions import normalise_code
from .text import N_

DISTANCES = (("same_city", N_("同市")), ("same_province", N_("同省外市")), ("other_province", N_("外省")))
DEADLINE_SETTINGS = {"same_city": "notice.days_same_city", "same_province": "notice.days_same_province",
                     "other_province": "notice.days_other_province"}


def origin_distance(hukou_code: str | None, station_code: str | None) -> str:
    """Where the household registration is, seen from the station: the same city (the
    first 4 digits of the division code agree), the same province (2 digits) or another
    province. An unknown code counts as another province: the longest deadline, in the
    person's favour."""
    hukou, station = normalise_code(hukou_code), normalise_code(station_code)
    if not (hukou.isdigit() and station.isdigit() and len(hukou) >= 2 and len(station) >= 4):
        return "other_province"
    if len(hukou) >= 4 and hukou[:4] == station[:4]:
        return "same_city"
    if hukou[:2] == station[:2]:
        return "same_province"
    return "other_province"


def deadline(issued_on: dt.date, days: int) -> dt.date:
    """The last day to act on a notice issued on ``issued_on`` with ``days`` to act."""
    return issued_on + dt.timedelta(days=days)


def date_to_print(on: dt.date | None, printed_on: dt.date) -> dt.date | None:
    """The date a notice may show: never one that has passed by the day it is printed (an
    overdue appointment, a renewal past its date, a reprint after the deadline). None means
    "as soon as possible — call the station to book", unless the appointment is moved first."""
    return on if on is not None and on >= printed_on else None


def notice_number(notice_id: int, issued_on: dt.date) -> str:
    """Printed on the notice and on its stub, so a stub that comes back finds its notice."""
    return f"{issued_on:%Y}-{notice_id:07d}"


def parse_notice_number(text: str | None) -> int | None:
    """The notice id in ``2026-0000123`` (or just ``123``); None if it is not one."""
    text = (text or "").strip().replace(" ", "")
    if "-" in text:
        year, _, text = text.partition("-")
        if not (len(year) == 4 and year.isdigit()):
            return None
    if not text.isdigit() or len(text) > 9:
        return None
    value = int(text)
    return value if value > 0 else None
