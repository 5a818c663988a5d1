"""The station's service pages: the overview, planning a month, finding a person, and a
person's services with what they asked for."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..domain.clock import local_today
from ..domain.dates import first_of_month, parse_month
from ..domain.keys import coerce_key
from ..domain.workcalendar import is_official
from ..services import scope
from ..services.common.errors import ValidationFailed
from ..services.health import appointments, planning, preferences
from ..services.registry import search
from ..web import actor, render, roles_required, safe_next
from ..web.forms import apply_errors, flash_refusal
from ..web.lists import cursor_arg, page_links, remembered_search
from . import bp
from .forms import PlanForm
from .helpers import CHOICE_STAFF, SERVICE_STAFF


def _overview(form, status=200):
    today = local_today()
    return render("station/services.html", http_status=status, form=form, today=today,
                  calendar_unknown=[y for y in (today.year, today.year + 1) if not is_official(y)],
                  summary=appointments.summary(current_user, today),
                  by_grid=appointments.overdue_by_grid(current_user, today))


@bp.get("/services")
@roles_required(*SERVICE_STAFF)
def services():
    return _overview(PlanForm(formdata=None, data={"month": f"{first_of_month(local_today()):%Y-%m}"}))


@bp.post("/services/plan")
@roles_required(*SERVICE_STAFF)
def plan():
    """Plan a month for the user's township (the admin: everywhere); safe to press again."""
    form = PlanForm()
    if form.validate_on_submit():
        try:
            result = planning.plan_month(actor(), parse_month(form.month.data), grid_ids=scope.grid_ids(current_user))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("%(month)s 已排期：新增 %(created)d 条，期满未完成 %(missed)d 条，不再适用而取消 %(cancelled)d 条。",
                          month=form.month.data, created=result.total_created, missed=result.missed,
                          cancelled=result.total_cancelled), "success")
            return redirect(url_for("station.services"))
    return _overview(form)


@bp.route("/people", methods=["GET", "POST"])
@roles_required(*SERVICE_STAFF)
def people():
    q = remembered_search("station_q")
    page = search.people(current_user, q=q, status="present", cursor=cursor_arg()) if q else None
    return render("station/people.html", block="results", q=q, page=page,
                  page_url=page_links("station.people"))


@bp.get("/people/<int:person_id>")
@roles_required(*SERVICE_STAFF)
def person(person_id: int):
    p = scope.get_person(current_user, person_id)
    station = appointments.station_of(p.grid)
    return render("station/person.html", p=p, station=station, today=local_today(),
                  lines=appointments.person_services(p, with_results=True),
                  children=appointments.children_vaccinations(p, current_user), opted_out=preferences.sms_opted_out(p.id),
                  contact=appointments.contact(p))


def _back(person_id: int) -> str:
    default = (url_for("grid.person", person_id=person_id) if current_user.role == "coordinator"
               else url_for("station.person", person_id=person_id))
    return safe_next(request.form.get("next"), default)


@bp.post("/people/<int:person_id>/choice")
@roles_required(*CHOICE_STAFF)
def choice(person_id: int):
    """The person asked for a service (``in``), declined it (``out``), or neither (empty)."""
    try:
        type_id = coerce_key(request.form.get("type_id"))
        preferences.set_choice(actor(), current_user, person_id, type_id, request.form.get("choice") or None)
    except ValueError:  # a type id that is not a number
        flash(gettext("操作无效"), "error")
    except ValidationFailed as exc:
        flash_refusal(exc)
    else:
        flash(gettext("已记录本人的选择"), "success")
    return redirect(_back(person_id))


@bp.post("/people/<int:person_id>/sms")
@roles_required(*CHOICE_STAFF)
def sms_preference(person_id: int):
    opted_out = request.form.get("opt_out") == "1"
    preferences.set_sms_opt_out(actor(), current_user, person_id, opted_out)
    flash(gettext("已停止短信提醒，改用纸质通知") if opted_out else gettext("已恢复短信提醒"), "success")
    return redirect(_back(person_id))
