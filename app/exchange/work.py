"""The station's 协查 page (what to answer, what waits for an answer, failed deliveries,
the exchange's figures) and the data-quality monitor of one-sided records and 重卡."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user

from ..domain.clock import local_today
from ..domain.idcard import mask_id_number
from ..grid.helpers import STAFF
from ..services import scope
from ..extensions import db
from ..services.exchange import handlers, outbox
from ..services.exchange import work as lists
from ..services.outflow import register
from ..web import actor, render, roles_required
from . import bp


@bp.get("/")
@roles_required(*STAFF)
def work():
    return render("exchange/work.html", to_answer=lists.to_answer(current_user), answered=lists.answered(current_user),
                  awaiting=lists.awaiting(current_user), failed=lists.failed(current_user),
                  figures=lists.figures(current_user), today=local_today(), mask=mask_id_number)



@bp.post("/messages/<int:inbox_id>/answer")
@roles_required(*STAFF)
def answer(inbox_id):
    """Send the feedback of a notice whose record a coordinator has reviewed, or close a
    return or correction that was dealt with."""
    row = lists.scoped_message(current_user, inbox_id)
    if row is None:
        abort(404)
    if row.state == "open":
        if row.type == "inflow_notice":
            record = register.away_record(row.about) if row.about else None
            handlers.answer_notice(actor(), row, record, row.outcome or "created")
            if record is not None:
                record.needs_review = False
        else:
            handlers.close(actor(), row)
        db.session.commit()
        flash(gettext("已处理"), "success")
    return redirect(url_for("exchange.work"))


@bp.post("/outbox/<int:outbox_id>/retry")
@roles_required(*STAFF)
def retry(outbox_id):
    if not any(m.id == outbox_id for m in lists.failed(current_user)):
        abort(404)
    outbox.retry(actor(), outbox_id)
    flash(gettext("已重新排队发送"), "success")
    return redirect(url_for("exchange.work"))


@bp.get("/quality")
@roles_required(*STAFF)
def quality():
    return render("exchange/quality.html", origin=lists.origin_one_sided(current_user),
                  destination=lists.destination_one_sided(current_user), doubles=lists.double_cards(current_user),
                  mask=mask_id_number, grid_name=lambda g: scope.grid_name(current_user, g))
