"""Time as the service sees it: stored in UTC, dated in China Standard Time."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")


def utcnow() -> dt.datetime:
    """Naive UTC, the form every timestamp column stores."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def to_local(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(LOCAL)


def local_today() -> dt.date:
    return dt.datetime.now(LOCAL).date()


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """First day of ``day``'s month and first day of the next month."""
    first = day.replace(day=1)
    nxt = (first.replace(year=first.year + 1, month=1) if first.month == 12
           else first.replace(month=first.month + 1))
    return first, nxt


def minutes_until(moment: dt.datetime, now: dt.datetime | None = None) -> int:
    """Whole minutes left until ``moment`` (naive UTC), rounded up, at least 1: what a
    lockout message says remains."""
    seconds = (moment - (now or utcnow())).total_seconds()
    return max(1, -int(-seconds // 60))
