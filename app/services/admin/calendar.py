"""The holiday calendar the planner spreads appointments over: the official calendar
(``domain.workcalendar``) with the admin's own entries, and changing those entries."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from ...domain.text import N_
from ...domain.workcalendar import WorkCalendar, is_official
from ...extensions import db
from ...models import CalendarDay
from ..common import audit
from ..common.context import Actor
from ..common.errors import ValidationFailed

FIRST_YEAR, LAST_YEAR = 2000, 2099


def work_calendar() -> WorkCalendar:
    """The calendar in force: the admin's entries over the official one (a few rows)."""
    rows = db.session.execute(select(CalendarDay.day, CalendarDay.workday, CalendarDay.name)).all()
    return WorkCalendar({day: (workday, name) for day, workday, name in rows})


def entries(year: int) -> list[CalendarDay]:
    return list(db.session.scalars(select(CalendarDay).where(
        CalendarDay.day >= dt.date(year, 1, 1), CalendarDay.day < dt.date(year + 1, 1, 1)).order_by(CalendarDay.day)))


@dataclass
class YearView:
    year: int
    official: bool  # the package carries the State Council's arrangement for the year
    days: list[tuple[dt.date, bool, str, bool]]  # day, working?, name, the admin's entry?


def year_view(year: int) -> YearView:
    own = {e.day for e in entries(year)}
    days = [(day, working, name, day in own) for day, working, name in work_calendar().exceptions(year)]
    # The admin's entries that agree with the weekday still show, so that they can be removed.
    shown = {d[0] for d in days}
    days += [(e.day, e.workday, e.name, True) for e in entries(year) if e.day not in shown]
    return YearView(year, is_official(year), sorted(days))


def set_day(actor: Actor, day: dt.date | None, workday: bool, name: str | None) -> CalendarDay:
    if day is None:
        raise ValidationFailed({"day": N_("请填写日期")})
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationFailed({"day": N_("日期超出范围")})
    name = (name or "").strip()
    if len(name) > 40:
        raise ValidationFailed({"name": N_("名称最多 40 个字")})
    row = db.session.get(CalendarDay, day)
    before = audit.snapshot(row, ("day", "workday", "name")) if row else None
    row = row or CalendarDay(day=day)
    row.workday, row.name, row.updated_by_id = bool(workday), name, actor.user_id
    db.session.add(row)
    audit.record(actor, "calendar.set", "calendar_day", None, before,
                 {"day": day.isoformat(), "workday": bool(workday), "name": name})
    db.session.commit()
    return row


def remove_day(actor: Actor, day: dt.date) -> None:
    row = db.session.get(CalendarDay, day)
    if row is None:
        return
    audit.record(actor, "calendar.remove", "calendar_day", None, audit.snapshot(row, ("day", "workday", "name")), None)
    db.session.delete(row)
    db.session.commit()
