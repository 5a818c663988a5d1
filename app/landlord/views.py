"""The landlord's pages. Everything is cut to the landlord's own dwellings by
``scope.landlord_dwellings``; tenants' ID numbers are shown masked only."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..domain import rental
from ..domain.idcard import InvalidIdNumber, parse_id_number
from ..services import scope
from ..services.admin import settings
from ..services.common.errors import ValidationFailed
from ..services.rental import agreements
from ..services.rental import landlords as service
from ..web import actor, is_htmx, render, roles_required, tr
from ..web.forms import apply_errors, flash_refusal
from . import bp
from .forms import ArrivalForm, DepartureForm, DisputeForm, SignForm

LANDLORD = "landlord"
DISPUTE_LABELS = dict(rental.DISPUTE_REASONS)


@bp.get("/")
@roles_required(LANDLORD)
def home():
    views = service.views(current_user)
    return render("landlord/home.html", views=views, todo=service.todo(views), reports=service.reports(current_user),
                  dispute_reasons=DISPUTE_LABELS)


def _view(dwelling_id: int):
    return service.views(current_user, only=scope.get_landlord_dwelling(current_user, dwelling_id))[0]


@bp.get("/dwellings/<int:dwelling_id>")
@roles_required(LANDLORD)
def dwelling(dwelling_id: int):
    return render("landlord/dwelling.html", view=_view(dwelling_id))


@bp.post("/tenancies/<int:tenancy_id>/confirm")
@roles_required(LANDLORD)
def confirm(tenancy_id: int):
    tenancy = scope.get_landlord_tenancy(current_user, tenancy_id)
    try:
        service.confirm(actor(), current_user, tenancy.id)
    except ValidationFailed as exc:
        flash_refusal(exc)
    else:
        if not is_htmx():  # htmx redraws the row, which says so
            flash(gettext("已确认 %(name)s 是您的租客", name=tenancy.person.name), "success")
    if is_htmx():  # the tenant's row, redrawn in place
        view = _view(tenancy.dwelling_id)
        row = next((t for t in view.tenants if t.tenancy.id == tenancy.id), None)
        return render("landlord/dwelling.html", block="tenant", view=view, t=row)
    return redirect(url_for("landlord.dwelling", dwelling_id=tenancy.dwelling_id))


def _tenancy_form(tenancy_id: int, form_class, template: str, submit, done: str):
    """A report about one tenancy (dispute, departure): the form, or back to the dwelling."""
    tenancy = scope.get_landlord_tenancy(current_user, tenancy_id)
    form = form_class()
    if form.validate_on_submit():
        try:
            submit(tenancy, form)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(done, "success")
            return redirect(url_for("landlord.dwelling", dwelling_id=tenancy.dwelling_id))
    return render(template, form=form, tenancy=tenancy, p=tenancy.person)


@bp.route("/tenancies/<int:tenancy_id>/dispute", methods=["GET", "POST"])
@roles_required(LANDLORD)
def dispute(tenancy_id: int):
    return _tenancy_form(tenancy_id, DisputeForm, "landlord/dispute.html", lambda t, f: service.dispute(
        actor(), current_user, t.id, f.reason.data, f.on.data, f.note.data),
        gettext("已提交异议，网格员核实后会处理"))


@bp.route("/tenancies/<int:tenancy_id>/departure", methods=["GET", "POST"])
@roles_required(LANDLORD)
def departure(tenancy_id: int):
    return _tenancy_form(tenancy_id, DepartureForm, "landlord/departure.html", lambda t, f: service.report_departure(
        actor(), current_user, t.id, f.on.data, f.destination.data, f.note.data),
        gettext("已报告搬离，网格员核实后会注销"))


@bp.route("/dwellings/<int:dwelling_id>/arrival", methods=["GET", "POST"])
@roles_required(LANDLORD)
def arrival(dwelling_id: int):
    d = scope.get_landlord_dwelling(current_user, dwelling_id)
    form = ArrivalForm()
    if form.validate_on_submit():
        fields = {name: getattr(form, name).data for name in ("name", "id_number", "phone", "room", "on", "note")}
        try:
            service.report_arrival(actor(), current_user, d.id, fields)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已报告新租客，网格员核实后会登记"), "success")
            return redirect(url_for("landlord.dwelling", dwelling_id=d.id))
    return render("landlord/arrival.html", form=form, d=d, report_days=settings.get("landlord.report_days"))


@bp.post("/check-id")
@roles_required(LANDLORD)
def check_id():
    """Live check of a typed ID number: its form only (never whether it is registered)."""
    raw = (request.form.get("id_number") or "").strip()
    feedback = {}
    if raw:
        try:
            feedback["parsed"] = parse_id_number(raw)
        except InvalidIdNumber as exc:
            feedback["error"] = tr(exc.message)
    return render("landlord/_id_feedback.html", feedback=feedback)


@bp.route("/dwellings/<int:dwelling_id>/agreement", methods=["GET", "POST"])
@roles_required(LANDLORD)
def agreement(dwelling_id: int):
    view = _view(dwelling_id)
    template = agreements.current()
    if template is None:
        abort(404)
    if view.agreement is not None and request.method == "GET":
        return redirect(url_for("landlord.signed_copy", agreement_id=view.agreement.id))
    form = SignForm()
    if form.validate_on_submit():
        try:
            signed = agreements.sign(actor(), current_user, view.dwelling.id, form.name.data, form.agree.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("责任书已签署"), "success")
            return redirect(url_for("landlord.signed_copy", agreement_id=signed.id))
    return render("landlord/agreement.html", form=form, view=view, text=template)


@bp.get("/agreements/<int:agreement_id>")
@roles_required(LANDLORD)
def signed_copy(agreement_id: int):
    a = agreements.for_landlord(current_user, agreement_id)
    return render("landlord/agreement_copy.html", a=a, back=url_for("landlord.dwelling", dwelling_id=a.dwelling_id))
