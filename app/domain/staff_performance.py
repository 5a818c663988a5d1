"""A coordinator's month in figures (seed 001): records collected, entered and approved,
how long entry took after collection, and the reward at the station's rates.

Collected and entered count the coordinator's own registrations (ledger imports are
counted apart and not rewarded: a file of 5,000 old records is not 5,000 visits).
Approved counts their records that passed a check in an audit sample that month.
"""
from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Rates:
    collected: Decimal
    entered: Decimal
    approved: Decimal

    @classmethod
    def of(cls, collected, entered, approved) -> "Rates":
        return cls(*(Decimal(str(v)) for v in (collected, entered, approved)))


@dataclass
class StaffMonth:
    user_id: int
    name: str
    collected: int = 0
    entered: int = 0
    approved: int = 0
    imported: int = 0
    median_hours: float | None = None
    late: int = 0
    reward: Decimal = Decimal("0.00")

    @property
    def late_share(self) -> float | None:
        return self.late / self.entered if self.entered else None


def delay_hours(collected_at: dt.datetime | None, entered_at: dt.datetime) -> float:
    """Hours from collection to entry (0 when collection time is unknown or later)."""
    if collected_at is None:
        return 0.0
    return max(0.0, (entered_at - collected_at).total_seconds() / 3600)


def entry_figures(delays: list[float], limit_hours: float) -> tuple[float | None, int]:
    """Median delay in hours (one decimal) and how many entries took longer than the limit."""
    if not delays:
        return None, 0
    return round(statistics.median(delays), 1), sum(1 for d in delays if d > limit_hours)


def reward(collected: int, entered: int, approved: int, rates: Rates) -> Decimal:
    total = collected * rates.collected + entered * rates.entered + approved * rates.approved
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def complete(row: StaffMonth, delays: list[float], limit_hours: float, rates: Rates) -> StaffMonth:
    row.median_hours, row.late = entry_figures(delays, limit_hours)
    row.reward = reward(row.collected, row.entered, row.approved, rates)
    return row


def totals(rows: list[StaffMonth], all_delays: list[float], limit_hours: float, rates: Rates) -> StaffMonth:
    total = StaffMonth(0, "", collected=sum(r.collected for r in rows), entered=sum(r.entered for r in rows),
                       approved=sum(r.approved for r in rows), imported=sum(r.imported for r in rows))
    complete(total, all_delays, limit_hours, rates)
    total.reward = sum((r.reward for r in rows), Decimal("0.00"))
    return total


def month_of(text: str | None, today: dt.date) -> dt.date:
    """``2026-11`` → 2026-11-01; anything else (or a future month) → this month."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        first = dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)
    return first if dt.date(2000, 1, 1) <= first <= today else today.replace(day=1)


def recent_months(today: dt.date, n: int = 12) -> list[dt.date]:
    months, first = [], today.replace(day=1)
    for _ in range(n):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return months
