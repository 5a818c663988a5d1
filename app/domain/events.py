"""The date of a move or a departure: one rule wherever it is reported or recorded (the
migrant's card page, a landlord's report, the coordinator's form, the reviewer accepting
a report), so that a report accepted at the door is never refused at review."""
from __future__ import annotations

import datetime as dt

from .text import N_, Message


def event_date_problem(on: dt.date, today: dt.date, *, arrived_on: dt.date | None = None,
                       moved_in_on: dt.date | None = None) -> Message | None:
    """Why ``on`` cannot be the date of a move or departure, or None: not after today, not
    before the person came here, not before the tenancy it ends began."""
    if on > today:
        return Message(N_("日期不能在未来"))
    if arrived_on and on < arrived_on:
        return Message(N_("日期早于来本地日期（%(date)s）"), date=arrived_on.isoformat())
    if moved_in_on and on < moved_in_on:
        return Message(N_("日期早于入住日期（%(date)s）"), date=moved_in_on.isoformat())
    return None
