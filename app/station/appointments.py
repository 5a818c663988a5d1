"""Work lists (due this week, overdue, a day) on the page and as .xlsx, one appointment's
page (result, no-show, new date) and a day's printed list."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date, gettext
from flask_login import current_user

from ..domain.clock import local_today
from ..domain.keys import parse_key
from ..services import scope
from ..services.common.errors import StaleEdit, ValidationFailed
from ..services.common.spreadsheet import Sheet
from ..services.health import appointments, appointments_export, service_types
from ..services.registry import people_export
from ..web import actor, int_arg, render, roles_required, safe_next, tr, xlsx_download
from ..web.forms import apply_errors, own_ids
from ..web.lists import cursor_arg, grid_arg, page_links
from . import bp
from .forms import NoShowForm, RescheduleForm, ResultForm
from .helpers import SERVICE_STAFF, date_arg, form_version

PRINT_LIMIT = 1000


def list_filters() -> dict:
    view = request.args.get("view")
    return dict(view=view if view in appointments.VIEWS else "week", day=date_arg("on") or local_today(),
                grid_id=grid_arg(), type_id=int_arg("type"))


def _filter_args(f: dict, **extra) -> dict:
    args = {"view": f["view"], "grid": f["grid_id"], "type": f["type_id"]}
    if f["view"] == "day":
        args["on"] = f["day"].isoformat()
    return {**{k: v for k, v in args.items() if v}, **extra}


@bp.get("/appointments")
@roles_required(*SERVICE_STAFF)
def appointment_list():
    f = list_filters()
    page = appointments.work_list(current_user, f["view"], day=f["day"], grid_id=f["grid_id"], type_id=f["type_id"],
                                  cursor=cursor_arg())
    return render("station/appointments.html", page=page, f=f, today=local_today(), args=_filter_args(f),
                  page_url=page_links("station.appointment_list", **_filter_args(f)),
                  types=[t for t in service_types.all_types() if t.active], grids=scope.grids(current_user),
                  may_see_full_ids=people_export.may_see_full_ids(current_user))


def _list_title(f: dict) -> str:
    titles = {"week": gettext("本周到期"), "overdue": gettext("逾期未完成"), "day": gettext("某日名单")}
    return titles[f["view"]] + (f" {f['day']:%Y-%m-%d}" if f["view"] == "day" else "")


@bp.get("/appointments/export.xlsx")
@roles_required(*SERVICE_STAFF)
def export_appointments():
    """All pages of the work list with its filters (view, day, grid, service type)."""
    f = list_filters()
    full = request.args.get("full") == "1" and people_export.may_see_full_ids(current_user)
    with_results = current_user.role in SERVICE_STAFF  # the station's rule for health results
    filters = dict(view=f["view"], day=f["day"], grid_id=f["grid_id"], type_id=f["type_id"], full_ids=full,
                   with_results=with_results)
    export = appointments_export.work_list_rows(current_user, **filters, label=lambda text: tr(text) if text else None)
    title = _list_title(f)
    return xlsx_download(title, [Sheet(title, [gettext(h) for h in appointments_export.headers(with_results)],
                                       export.rows, widths=appointments_export.widths(with_results))],
                         audit_as="appointment.export", full_ids=full,
                         filters={"view": f["view"], "day": f["day"] if f["view"] == "day" else None,
                                  "grid_id": f["grid_id"], "type_id": f["type_id"], "results": with_results})


@bp.get("/appointments/print")
@roles_required(*SERVICE_STAFF)
def day_list():
    """A day's list on paper: who is coming, for what, with space to tick and sign."""
    f = list_filters()
    page = appointments.work_list(current_user, "day", day=f["day"], grid_id=f["grid_id"], type_id=f["type_id"],
                                  per_page=PRINT_LIMIT)
    return render_template("station/day_list.html", rows=page.items, total=page.total, day=f["day"],
                           limit=PRINT_LIMIT, back=url_for("station.appointment_list", **_filter_args(f)))


def _page(a, result=None, no_show=None, reschedule=None, stale=False, status=200):
    result = result or ResultForm(formdata=None, data={"version": a.version, "done_on": local_today(),
                                                       "place": a.place or a.service_type.place})
    result.set_outcomes(a.service_type.category)
    return render("station/appointment.html", http_status=status, a=a, result=result, stale=stale,
                  # three forms on one page: the second and third get ids of their own (labels, focus)
                  no_show=own_ids(no_show or NoShowForm(formdata=None, data={"version": a.version}), "no-show"),
                  reschedule=own_ids(reschedule or RescheduleForm(formdata=None, data={"version": a.version}),
                                     "reschedule"),
                  back=safe_next(request.values.get("next"), url_for("station.appointment_list")),
                  today=local_today(), line=_line(a), contact=appointments.contact(a.person),
                  visit=appointments.visit_of(a))


def _line(a):
    """The person's line for this service (next due date, history)."""
    return next((line for line in appointments.person_services(a.person, with_results=True)
                 if line.type.id == a.service_type_id), None)


@bp.get("/appointments/<int:appointment_id>")
@roles_required(*SERVICE_STAFF)
def appointment(appointment_id: int):
    return _page(appointments.get(current_user, appointment_id))


def _done(a, message: str):
    """Back where the worker came from, saying what changed and when the person is due next."""
    line = _line(a)
    if line and line.next:
        when = format_date(line.next.on, "yyyy-MM" if line.next.month_only else "yyyy-MM-dd")
        message += " " + gettext("下次：%(when)s", when=when)
    flash(message, "success")
    return redirect(safe_next(request.form.get("next"), url_for("station.person", person_id=a.person_id)))


def _with_ids() -> list[int]:
    """The other doses of the visit ticked on the form."""
    return [parse_key(v) for v in request.form.getlist("with_ids") if parse_key(v)]


def _act(appointment_id: int, form_class, call, message, form_name):
    a = appointments.get(current_user, appointment_id)
    form = form_class()
    if form_class is ResultForm:
        form.set_outcomes(a.service_type.category)
    if form.validate_on_submit():
        try:
            call(a, form)
        except StaleEdit as exc:
            form.version.data = exc.current.version
            return _page(exc.current, stale=True, **{form_name: form})
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            return _done(a, message(a))
    return _page(a, **{form_name: form})


@bp.post("/appointments/<int:appointment_id>/result")
@roles_required(*SERVICE_STAFF)
def record_result(appointment_id: int):
    return _act(appointment_id, ResultForm, lambda a, f: appointments.record_result(
        actor(), current_user, a.id, form_version(f), done_on=f.done_on.data, outcome=f.outcome.data,
        place=f.place.data, note=f.note.data, document_number=f.document_number.data, with_ids=_with_ids()),
        lambda a: gettext("已登记 %(name)s 的%(service)s。", name=a.person.name, service=a.service_type.name), "result")


@bp.post("/appointments/<int:appointment_id>/no-show")
@roles_required(*SERVICE_STAFF)
def record_no_show(appointment_id: int):
    return _act(appointment_id, NoShowForm, lambda a, f: appointments.record_no_show(
        actor(), current_user, a.id, form_version(f), with_ids=_with_ids()),
        lambda a: gettext("已登记 %(name)s 未到，预约仍待完成。", name=a.person.name), "no_show")


@bp.post("/appointments/<int:appointment_id>/reschedule")
@roles_required(*SERVICE_STAFF)
def reschedule(appointment_id: int):
    return _act(appointment_id, RescheduleForm, lambda a, f: appointments.reschedule(
        actor(), current_user, a.id, form_version(f), f.new_date.data, f.place.data,
        with_ids=_with_ids()),
        lambda a: gettext("已改期：%(name)s %(date)s", name=a.person.name, date=format_date(a.due_on, "yyyy-MM-dd")),
        "reschedule")
