"""The review queue (self-reports, transfer requests) and asking for a transfer."""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user

from ..services import dwellings as dwelling_service
from ..services import reviews, scope, transfers
from ..services.errors import DuplicatePerson, NotFound, ValidationFailed
from ..web import actor, render, roles_required, tr
from . import bp
from .forms import AcceptForm, ForwardForm, RejectForm, TransferForm
from .helpers import STAFF, apply_errors


@bp.post("/transfers")
@roles_required(*STAFF)
def request_transfer():
    form = TransferForm()
    form.grid_id.choices = [(g.id, g.label) for g in scope.grids(current_user)]
    if not form.validate_on_submit():
        flash(gettext("转入申请无效：请检查身份证号和网格"), "error")
        return redirect(url_for("grid.new_person"))
    try:
        change = transfers.request(actor(), current_user, form.id_number.data, form.grid_id.data, form.note.data)
    except ValidationFailed as exc:
        flash(tr(next(iter(exc.errors.values()))), "error")
        return redirect(url_for("grid.new_person"))
    except NotFound:
        flash(gettext("未找到此人"), "error")
        return redirect(url_for("grid.new_person"))
    if change.status == "accepted":
        flash(gettext("此人已在原地注销，记录已直接转入您的网格，请登记现住所。"), "success")
        return redirect(url_for("grid.move_person", person_id=change.person_id))
    flash(gettext("转入申请已提交，等待原所在区域审核。"), "success")
    return redirect(url_for("grid.queue"))


@bp.get("/queue")
@roles_required(*STAFF)
def queue():
    pending = reviews.pending(current_user)
    return render("grid/queue.html", pending=[(c, reviews.diff(c)) for c in pending],
                  mine=transfers.requested_by(current_user))


def _forms(change, accept=None, reject=None, forward=None):
    accept = accept or AcceptForm(formdata=None, data=_accept_defaults(change))
    grids = scope.grids(current_user)
    accept.grid_id.choices = [(g.id, g.label) for g in grids]
    grid_id = accept.grid_id.data or change.grid_id
    accept.dwelling_id.choices = [("", "—")] + [(d.id, d.address) for d in dwelling_service.in_grid(grid_id)]
    forward = forward or ForwardForm(formdata=None)
    forward.grid_id.choices = [(g.id, g.label) for g in reviews.all_grids()]
    return dict(accept=accept, reject=reject or RejectForm(formdata=None), forward=forward)


def _accept_defaults(change) -> dict:
    """The form starts from what was reported (dates arrive as ISO text in the payload)."""
    data = dict(change.payload)
    data.setdefault("grid_id", change.grid_id)
    try:
        data["on"] = dt.date.fromisoformat(data["on"]) if data.get("on") else None
    except (TypeError, ValueError):
        data["on"] = None
    return data


def _review_page(change, **forms):
    return render("grid/review.html", change=change, diff=reviews.diff(change),
                  duplicate=reviews.duplicates(current_user, change), **_forms(change, **forms))


@bp.get("/queue/<int:change_id>")
@roles_required(*STAFF)
def review(change_id: int):
    return _review_page(reviews.get(current_user, change_id))


def _decide(change_id: int, name: str, form_class, decide, done: str):
    """One decision on a queue entry: validate its form, call the service, or show the
    review page again with the form's errors (and what was typed)."""
    change = reviews.get(current_user, change_id)
    form = form_class()
    _forms(change, **{name: form})
    if form.validate_on_submit():
        try:
            decide(change, form)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except DuplicatePerson:  # the review page shows what was found
            form.form_errors.append(gettext("此身份证号已登记，或有同名同出生日期的人员：请核实后再接受。"))
        else:
            flash(done, "success")
            return redirect(url_for("grid.queue"))
    return _review_page(change, **{name: form})


@bp.post("/queue/<int:change_id>/accept")
@roles_required(*STAFF)
def accept(change_id: int):
    return _decide(change_id, "accept", AcceptForm, lambda change, form: reviews.accept(
        actor(), current_user, change.id, form.edits(change.kind)), gettext("已接受并更新记录"))


@bp.post("/queue/<int:change_id>/reject")
@roles_required(*STAFF)
def reject(change_id: int):
    return _decide(change_id, "reject", RejectForm, lambda change, form: reviews.reject(
        actor(), current_user, change.id, form.reason.data), gettext("已拒绝"))


@bp.post("/queue/<int:change_id>/forward")
@roles_required(*STAFF)
def forward(change_id: int):
    return _decide(change_id, "forward", ForwardForm, lambda change, form: reviews.forward(
        actor(), current_user, change.id, form.grid_id.data), gettext("已转交"))
