"""Calendar months as the figures count them: in China Standard Time.

A month's records are those dated on or after its first day and before the next
month's; timestamps (stored in UTC) are compared with the local midnights converted to
UTC, so a record entered at 07:30 on 1 December Beijing time belongs to December.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .clock import LOCAL

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: dt.date) -> "Month":
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str | None) -> "Month | None":
        """``2026-11`` (what ``<input type="month">`` sends); None for anything else."""
        match = _MONTH.match(text or "")
        if not match:
            return None
        year, month = int(match.group(1)), int(match.group(2))
        if not (1900 <= year <= 2999 and 1 <= month <= 12):  # as dates.parse_month: 9999-12 has no next month
            return None
        return cls(year, month)

    @classmethod
    def from_date(cls, first: dt.date) -> "Month":
        return cls(first.year, first.month)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def next(self) -> dt.date:
        """The first day of the following month (the end, exclusive)."""
        return self.shift(1).first

    @property
    def last_day(self) -> dt.date:
        return self.next - dt.timedelta(days=1)

    @property
    def start_utc(self) -> dt.datetime:
        return utc_midnight(self.first)

    @property
    def end_utc(self) -> dt.datetime:
        return utc_midnight(self.next)

    def shift(self, months: int) -> "Month":
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    def last(self, count: int) -> list["Month"]:
        """``count`` months ending with this one, oldest first."""
        return [self.shift(-i) for i in range(count - 1, -1, -1)]

    def __str__(self) -> str:
        return self.key


def utc_midnight(day: dt.date) -> dt.datetime:
    """Local midnight of ``day`` as naive UTC, the form timestamp columns hold."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=LOCAL)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)
