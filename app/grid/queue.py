"""The review queue and transfer requests."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..services import scope, transfers
from ..services.errors import NotFound, ValidationFailed
from ..web import actor, render, roles_required, tr
from . import bp
from .forms import DecisionForm, TransferForm
from .helpers import STAFF


@bp.post("/transfers")
@roles_required(*STAFF)
def request_transfer():
    form = TransferForm()
    form.grid_id.choices = [(g.id, g.name) for g in scope.grids(current_user)]
    if not form.validate_on_submit():
        flash(gettext("转入申请无效：请检查身份证号和网格"), "error")
        return redirect(url_for("grid.new_person"))
    try:
        change = transfers.request(actor(), current_user, form.id_number.data, form.grid_id.data, form.note.data)
    except (NotFound, ValidationFailed) as exc:
        flash(tr(next(iter(exc.errors.values()))) if isinstance(exc, ValidationFailed) else gettext("未找到此人"), "error")
        return redirect(url_for("grid.new_person"))
    if change.status == "accepted":
        flash(gettext("此人已在原地注销，记录已直接转入您的网格，请登记现住所。"), "success")
        return redirect(url_for("grid.move_person", person_id=change.person_id))
    flash(gettext("转入申请已提交，等待原所在区域审核。"), "success")
    return redirect(url_for("grid.queue"))


@bp.get("/queue")
@roles_required(*STAFF)
def queue():
    return render("grid/queue.html", pending=transfers.pending(current_user),
                  mine=transfers.requested_by(current_user), form=DecisionForm())


@bp.post("/queue/<int:change_id>")
@roles_required(*STAFF)
def decide(change_id: int):
    form = DecisionForm()
    accept = form.validate_on_submit() and bool(request.form.get("accept"))
    try:
        transfers.decide(actor(), current_user, change_id, accept, form.reason.data)
    except ValidationFailed as exc:
        flash(tr(next(iter(exc.errors.values()))), "error")
    else:
        flash(gettext("已同意") if accept else gettext("已拒绝"), "success")
    return redirect(url_for("grid.queue"))
