"""The admin's list of service types: rules as data, changed without a code change."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext

from ..services.common.errors import StaleEdit, ValidationFailed
from ..services.health import service_types
from ..station.helpers import form_version
from ..web import actor, render, roles_required
from ..web.forms import apply_errors
from . import bp
from .service_type_forms import ServiceTypeForm


@bp.get("/service-types")
@roles_required("admin")
def service_types_list():
    return render("admin/service_types.html", types=service_types.all_types())


@bp.route("/service-types/new", methods=["GET", "POST"])
@bp.route("/service-types/<int:type_id>", methods=["GET", "POST"])
@roles_required("admin")
def service_type_form(type_id: int | None = None):
    t = service_types.get(type_id) if type_id else None
    if request.method == "GET":
        defaults = {"active": True, "sms_enabled": True, "sms_days_before": "3", "kind": "per_year", "times": "1",
                    "sort_order": "100", "deadline_rule": "due_date"}
        form = ServiceTypeForm(formdata=None, data=service_types.form_values(t) if t else defaults)
    else:
        form = ServiceTypeForm()
    stale = False
    if form.validate_on_submit():
        try:
            if t:
                _, cancelled = service_types.update(actor(), t.id, form_version(form), form.fields())
                if cancelled:
                    flash(gettext("尚未到期、已不再适用的 %(n)d 条预约已取消。", n=cancelled), "info")
            else:
                service_types.create(actor(), form.fields())
        except StaleEdit as exc:
            stale, form.version.data = True, exc.current.version
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已保存"), "success")
            return redirect(url_for("admin.service_types_list"))
    return render("admin/service_type_form.html", form=form, t=t, stale=stale)
