"""Calendar arithmetic for service schedules: months, ages, anniversaries, working days.

One convention throughout, the one Chinese law uses for ages (周岁) and the vaccination
schedule uses for 月龄: a period that starts on day *d* is complete on day *d* of the
month it ends in, and where that month has no day *d* (31 April, 29 February in a
common year), on the 1st of the month after. So a child born on 31 January is one
month old on 1 March, and someone born on 29 February 2000 turns 18 on 1 March 2018.

``app.services.common.sql_dates`` computes the same in SQL; tests hold the two together.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class InvalidMonth(ValueError):
    pass


def parse_month(text: str | None) -> dt.date:
    """``"2026-12"`` → 2026-12-01; anything else raises ``InvalidMonth``."""
    match = _MONTH.match(text or "")
    if not match:
        raise InvalidMonth(text)
    year, month = int(match.group(1)), int(match.group(2))
    if not (1900 <= year <= 2999 and 1 <= month <= 12):
        raise InvalidMonth(text)
    return dt.date(year, month, 1)


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months_to_first(first: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after the month of ``first``."""
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def last_of_month(day: dt.date) -> dt.date:
    return day.replace(day=days_in_month(day.year, day.month))


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def month_index(day: dt.date) -> int:
    """Months since year 0: consecutive months differ by one."""
    return day.year * 12 + day.month - 1


def anniversary(start: dt.date, months: int) -> dt.date:
    """The day on which ``months`` whole months since ``start`` are complete."""
    index = month_index(start) + months
    year, month = index // 12, index % 12 + 1
    if start.day <= days_in_month(year, month):
        return dt.date(year, month, start.day)
    return add_months_to_first(dt.date(year, month, 1), 1)


def months_between(start: dt.date, day: dt.date) -> int:
    """Whole months from ``start`` to ``day`` (negative if ``day`` is earlier)."""
    return month_index(day) - month_index(start) - (1 if day.day < start.day else 0)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Age in whole years (周岁) on ``day``."""
    return months_between(birth, day) // 12


def ymd(day: dt.date) -> int:
    """20261201 for 1 December 2026: whole years between two days are the difference
    of these numbers divided by 10,000 (what the SQL uses for ages)."""
    return day.year * 10000 + day.month * 100 + day.day


def is_weekday(day: dt.date) -> bool:
    return day.weekday() < 5


def workdays(first: dt.date, after: dt.date | None = None, is_workday=is_weekday) -> list[dt.date]:
    """The working days of ``first``'s month (Monday to Friday unless ``is_workday`` — the
    holiday calendar, ``domain.workcalendar`` — says otherwise), later than ``after`` if
    given; the last day of the month when none is left (an appointment needs a date)."""
    last = last_of_month(first)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    days = [d for d in days if is_workday(d) and (after is None or d > after)]
    return days or [last]


def week_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of ``day``'s week."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)
