"""The admin's holiday calendar: the official days off and 调休 working days of a year,
and the admin's own entries for what the installed calendar does not know yet."""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, url_for
from flask_babel import gettext

from ..domain.clock import local_today
from ..services.admin import calendar as calendar_service
from ..services.common.errors import ValidationFailed
from ..web import actor, int_arg, render, roles_required
from ..web.forms import apply_errors
from . import bp
from .forms import CalendarDayForm


def _year(year: int | None = None) -> int:
    """The year asked for, within the years the calendar covers."""
    year = year or int_arg("year") or local_today().year
    return min(max(year, calendar_service.FIRST_YEAR), calendar_service.LAST_YEAR)


def _page(year: int, form: CalendarDayForm, status: int = 200):
    return render("admin/calendar.html", http_status=status, view=calendar_service.year_view(year), form=form)


@bp.get("/calendar")
@roles_required("admin")
def calendar():
    year = _year()
    return _page(year, CalendarDayForm(formdata=None, data={"day": dt.date(year, 1, 1) if year != local_today().year
                                                                 else local_today()}))


@bp.post("/calendar")
@roles_required("admin")
def set_calendar_day():
    form = CalendarDayForm()
    if form.validate_on_submit():
        try:
            row = calendar_service.set_day(actor(), form.day.data, form.workday.data == "1", form.name.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已保存 %(day)s", day=row.day.isoformat()), "success")
            return redirect(url_for("admin.calendar", year=row.day.year))
    return _page(_year(form.day.data.year if form.day.data else None), form)


@bp.post("/calendar/<day>/delete")
@roles_required("admin")
def remove_calendar_day(day: str):
    try:
        on = dt.date.fromisoformat(day)
    except ValueError:
        return redirect(url_for("admin.calendar"))
    calendar_service.remove_day(actor(), on)
    flash(gettext("已删除 %(day)s 的设置", day=on.isoformat()), "success")
    return redirect(url_for("admin.calendar", year=on.year))
