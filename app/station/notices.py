"""Printed notices: issuing them for a list or one appointment, the print page (A5, or
two to an A4 sheet, each with its tear-off stub), and stubs coming back."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..domain.clock import local_today
from ..domain.notices import notice_number
from ..services.common.errors import NotFound, ValidationFailed
from ..services.health import appointments, notices
from ..web import actor, render, roles_required, safe_next
from ..web.lists import cursor_arg, page_links
from ..web.forms import apply_errors, flash_refusal
from . import bp
from .appointments import list_filters
from .forms import StubForm
from .helpers import SERVICE_STAFF, ids_arg

SIZES = ("a5", "a4")


def _listing(form=None, status=200):
    state = request.args.get("state", "out")
    state = state if state in ("out", "back", "all") else "out"
    page = notices.listing(current_user, state, cursor=cursor_arg())
    return render("station/notices.html", http_status=status, page=page, state=state, today=local_today(),
                  form=form or StubForm(formdata=None, data={"on": local_today()}),
                  number=lambda n: notice_number(n.id, n.issued_on),
                  page_url=page_links("station.notice_list", state=state))


@bp.get("/notices")
@roles_required(*SERVICE_STAFF)
def notice_list():
    return _listing()


@bp.post("/notices/stub")
@roles_required(*SERVICE_STAFF)
def record_stub():
    form = StubForm()
    if form.validate_on_submit():
        try:
            notice = notices.record_stub(actor(), current_user, form.number.data, form.on.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已登记回执：%(name)s", name=notice.person.name), "success")
            return redirect(safe_next(request.form.get("next"), url_for("station.notice_list")))
    return _listing(form)


@bp.post("/notices/issue")
@roles_required(*SERVICE_STAFF)
def issue_notices():
    """Notices for the appointments given (``ids``) or for the work list's filter (a day's)."""
    ids = ids_arg("ids")
    if not ids:
        f = list_filters()
        page = appointments.work_list(current_user, f["view"], day=f["day"], grid_id=f["grid_id"],
                                      type_id=f["type_id"], per_page=notices.MAX_PER_PRINT)
        ids = [a.id for row in page.items for a in row.appointments if a.status == "planned"]
    try:
        issued = notices.issue(actor(), current_user, ids)
    except ValidationFailed as exc:
        flash_refusal(exc)
        return redirect(safe_next(request.form.get("next"), url_for("station.appointment_list")))
    size = request.form.get("size") if request.form.get("size") in SIZES else "a5"
    return redirect(url_for("station.print_notices", ids=",".join(str(n.id) for n in issued), size=size,
                            next=safe_next(request.form.get("next"), url_for("station.appointment_list"))))


@bp.get("/notices/print")
@roles_required(*SERVICE_STAFF)
def print_notices():
    found = []
    for notice_id in ids_arg("ids"):
        try:
            found.append(notices.get(current_user, notice_id))
        except NotFound:
            continue  # out of scope or gone: not printed, not revealed
    size = request.args.get("size") if request.args.get("size") in SIZES else "a5"
    return render_template("station/notices_print.html", views=notices.views(found), size=size,
                           back=safe_next(request.args.get("next"), url_for("station.notice_list")))
