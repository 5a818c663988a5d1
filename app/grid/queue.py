"""The review queue (self-reports, transfer requests) and asking for a transfer."""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..services import scope
from ..services.common.errors import DuplicatePerson, NotFound, ValidationFailed
from ..services.registry import reviews, transfers
from ..web import actor, render, roles_required, tr
from ..web.forms import apply_errors, flash_refusal, own_ids
from ..web.lists import grid_choices
from . import bp
from .forms import AcceptForm, ForwardForm, RejectForm, TransferForm
from .helpers import STAFF, dwelling_options, searched_dwelling


@bp.post("/transfers")
@roles_required(*STAFF)
def request_transfer():
    form = TransferForm()
    form.grid_id.choices = grid_choices(scope.grids(current_user))
    if not form.validate_on_submit():
        flash(gettext("转入申请无效：请检查身份证号和网格"), "error")
        return redirect(url_for("grid.new_person"))
    try:
        change = transfers.request(actor(), current_user, form.id_number.data, form.grid_id.data, form.note.data)
    except ValidationFailed as exc:
        flash_refusal(exc)
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
                  date_problems={c.id: tr(p) for c in pending if (p := reviews.date_problem(c))},
                  mine=transfers.requested_by(current_user))


def _forms(change, accept=None, reject=None, forward=None):
    if accept is None:
        accept = AcceptForm(formdata=None, data=_accept_defaults(change))
        problem = reviews.date_problem(change)
        if problem:  # corrected here, before accepting, rather than refused after
            accept.on.errors = [tr(problem)]
    grids = scope.grids(current_user)
    accept.grid_id.choices = grid_choices(grids)
    grid_id = accept.grid_id.data or change.grid_id
    found = dwelling_options(grid_id, searched_dwelling(), accept.dwelling_id.data,
                             pick_single=bool(request.form.get("find_dwelling")))
    accept.dwelling_id.choices, accept.dwelling_id.data = [("", "—")] + found.options, found.selected
    forward = forward or ForwardForm(formdata=None)
    forward.grid_id.choices = grid_choices(reviews.all_grids())
    # accept keeps the plain ids (its dwelling search points at #dwelling_id); the others get their own
    return dict(accept=accept, reject=own_ids(reject or RejectForm(formdata=None), "reject"),
                forward=own_ids(forward, "forward"))


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
    if request.form.get("find_dwelling"):  # 查找 without JavaScript: the list narrowed, nothing decided
        return _review_page(change, **{name: form})
    if form.validate_on_submit():
        try:
            decide(change, form)
        except ValidationFailed as exc:
            if "status" in exc.errors:  # decided meanwhile (another reviewer): the page has no form left
                flash_refusal(exc)
                change = reviews.get(current_user, change_id)
            else:
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
