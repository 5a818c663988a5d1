"""Rules of rental housing (以房管人): landlords' report deadlines, disputes,
responsibility agreements and the monthly sweep."""
from __future__ import annotations

import datetime as dt

from .text import N_

# What a landlord may say about a tenancy the coordinator recorded.
DISPUTE_REASONS = (("not_my_tenant", N_("不是我的租客")), ("left", N_("已搬走")))

SWEEP_RESULTS = (("no_change", N_("无变化")), ("changes", N_("有变化")))


def days_late(event_on: dt.date, reported_on: dt.date, allowed_days: int) -> int:
    """How many days after the deadline (``allowed_days`` after the event) a report came; 0 if in time."""
    return max(0, (reported_on - event_on).days - allowed_days)


def signature_threshold(versions: list[tuple[int, bool]]) -> int | None:
    """The oldest template version whose signature still counts, from (version,
    resign_required) pairs; None when there is no template yet.

    A version marked "sign again" voids the signatures of every version before it.
    """
    if not versions:
        return None
    resign = [v for v, required in versions if required]
    return max(resign) if resign else min(v for v, _ in versions)


def is_signed(signed_versions: list[int], threshold: int | None) -> bool | None:
    """Whether a dwelling's agreement stands; None when there is nothing to sign."""
    if threshold is None:
        return None
    return any(v >= threshold for v in signed_versions)


def same_name(typed: str | None, on_record: str | None) -> bool:
    """The name typed to sign is the landlord's, spaces aside (姓名 with or without a space)."""
    def plain(s):
        return "".join((s or "").split())
    return bool(plain(typed)) and plain(typed) == plain(on_record)


def percent(part: int, whole: int) -> int | None:
    """Whole percent, rounded down (99.6 % is not yet 100 %); None for nothing to count."""
    return None if not whole else part * 100 // whole


def recent_months(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the last ``count`` months, oldest first, ending with this month."""
    months = [today.replace(day=1)]
    while len(months) < count:
        first = months[-1]
        months.append((first - dt.timedelta(days=1)).replace(day=1))
    return list(reversed(months))


def parse_month(text: str | None) -> dt.date | None:
    """``2026-03`` → 2026-03-01; None for anything else."""
    try:
        year, month = (text or "").split("-")
        return dt.date(int(year), int(month), 1) if len(year) == 4 else None
    except ValueError:
        return None
