"""Working days as the official holiday calendar has them: public holidays off, the
adjusted working weekends (调休) on.

Three sources, the first that speaks for a day wins:

1. the administrator's own entries (``CalendarDay`` rows, passed in as ``overrides``):
   corrections, local days, or a year's arrangement before a package release has it;
2. the ``chinesecalendar`` package (PyPI, module ``chinese_calendar``), which carries the
   State Council's yearly notice (国务院办公厅关于某年部分节假日安排的通知) — holidays
   and 调休 working days — for each year it knows (2004–2026 in release 1.11.0);
3. for a year the package does not know yet (the notice comes out each November; 2027 is
   not in 1.11.0): Monday to Friday less the statutory holidays of the 全国年节及纪念日
   放假办法 (2024 revision) — 元旦 1 January, 春节 除夕 to 初三, 清明 (the solar term),
   劳动节 1–2 May, 端午 五月初五, 中秋 八月十五, 国庆 1–3 October. The lunar festivals'
   dates are a table below (to 2035); later years get the solar ones only. The bridging
   days and 调休 of such a year are unknown until the notice: ``is_official(year)`` says
   so, and the admin's calendar page, the planning page and ``plan-services`` show it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache

import chinese_calendar

from . import dates
from .text import N_

HOLIDAY_NAMES = {
    "New Year's Day": N_("元旦"), "Spring Festival": N_("春节"), "Tomb-sweeping Day": N_("清明节"),
    "Labour Day": N_("劳动节"), "Dragon Boat Festival": N_("端午节"), "Mid-autumn Festival": N_("中秋节"),
    "National Day": N_("国庆节"), "Anti-Fascist 70th Day": N_("抗战胜利纪念日"),
}
# 春节 (正月初一), 端午 (五月初五) and 中秋 (八月十五) of the years after the package's data.
LUNAR_FESTIVALS = {
    2027: ("2027-02-06", "2027-06-09", "2027-09-15"), 2028: ("2028-01-26", "2028-05-28", "2028-10-03"),
    2029: ("2029-02-13", "2029-06-16", "2029-09-22"), 2030: ("2030-02-03", "2030-06-05", "2030-09-12"),
    2031: ("2031-01-23", "2031-06-24", "2031-10-01"), 2032: ("2032-02-11", "2032-06-12", "2032-09-19"),
    2033: ("2033-01-31", "2033-06-01", "2033-09-08"), 2034: ("2034-02-19", "2034-06-20", "2034-09-27"),
    2035: ("2035-02-08", "2035-06-10", "2035-09-16"),
}
# The years whose official arrangement the installed package carries.
OFFICIAL_YEARS = frozenset(day.year for day in chinese_calendar.holidays)


def is_official(year: int) -> bool:
    return year in OFFICIAL_YEARS


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The statutory public holidays of ``year`` (no bridging days, no 调休)."""
    days = {dt.date(year, 1, 1): N_("元旦"), dt.date(year, 5, 1): N_("劳动节"), dt.date(year, 5, 2): N_("劳动节")}
    days.update({dt.date(year, 10, d): N_("国庆节") for d in (1, 2, 3)})
    if year in LUNAR_FESTIVALS:
        new_year, dragon_boat, mid_autumn = (dt.date.fromisoformat(d) for d in LUNAR_FESTIVALS[year])
        days.update({new_year + dt.timedelta(days=d): N_("春节") for d in (-1, 0, 1, 2)})  # 除夕 to 初三
        days[dragon_boat], days[mid_autumn] = N_("端午节"), N_("中秋节")
    qingming = [d for d, name in chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 30))
                if name == "清明"]
    days.update({d: N_("清明节") for d in qingming})
    return days


class WorkCalendar:
    """Which days are working days. ``overrides`` maps a day to (working?, name)."""

    def __init__(self, overrides: Mapping[dt.date, tuple[bool, str]] | None = None):
        self.overrides = dict(overrides or {})
        self._memo: dict[dt.date, tuple[bool, str]] = {}  # the package's look-up scans its whole table

    def day(self, day: dt.date) -> tuple[bool, str]:
        """(working day?, the holiday's or 调休's name, empty for an ordinary day)."""
        if day not in self._memo:
            self._memo[day] = self._look_up(day)
        return self._memo[day]

    def _look_up(self, day: dt.date) -> tuple[bool, str]:
        if day in self.overrides:
            return self.overrides[day]
        if is_official(day.year):
            # (True, None) for a weekend, (True, name) for a holiday, (False, name) for a 调休 working day
            off, name = chinese_calendar.get_holiday_detail(day)
            return not off, HOLIDAY_NAMES.get(name, name) if name else ""
        name = statutory_holidays(day.year).get(day, "")
        return (day.weekday() < 5 and not name), name

    def is_workday(self, day: dt.date) -> bool:
        return self.day(day)[0]

    def workdays(self, first: dt.date, after: dt.date | None = None) -> list[dt.date]:
        """The working days of ``first``'s month (later than ``after`` if given)."""
        return dates.workdays(first, after=after, is_workday=self.is_workday)

    def next_workday(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the first one after it."""
        for _ in range(60):  # the longest run of days off is a week or so
            if self.is_workday(day):
                return day
            day += dt.timedelta(days=1)
        return day

    def exceptions(self, year: int) -> list[tuple[dt.date, bool, str]]:
        """The year's days that are not what the weekday says: holidays on weekdays and
        working weekends, in date order (what the admin's calendar page lists)."""
        day, out = dt.date(year, 1, 1), []
        while day.year == year:
            working, name = self.day(day)
            if working != (day.weekday() < 5):
                out.append((day, working, name))
            day += dt.timedelta(days=1)
        return out
