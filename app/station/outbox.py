"""The SMS outbox: every reminder and its state; send what is due now; retry a failure."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..services import scope
from ..services.common.errors import ValidationFailed
from ..services.health import reminders
from ..services.health.sms import UnknownBackend
from ..web import actor, render, roles_required
from ..web.lists import cursor_arg, page_links
from ..web.forms import flash_refusal
from . import bp
from .helpers import SERVICE_STAFF

WEB_SECONDS = 10


@bp.get("/outbox")
@roles_required(*SERVICE_STAFF)
def outbox():
    state = request.args.get("state") or None
    state = state if state in {code for code, _ in reminders.STATE_LABELS} else None
    return render("station/outbox.html", page=reminders.outbox(current_user, state, cursor=cursor_arg()),
                  state=state, counts=reminders.counts(current_user), labels=dict(reminders.STATE_LABELS),
                  page_url=page_links("station.outbox", state=state))


@bp.post("/outbox/send")
@roles_required(*SERVICE_STAFF)
def send_reminders():
    """What ``flask send-reminders`` does, for the user's township."""
    try:
        # A web request stays short: what is not sent in a few seconds goes with the next run.
        result = reminders.run(actor(), grid_ids=scope.grid_ids(current_user), seconds=WEB_SECONDS)
    except (UnknownBackend, ValueError):
        flash(gettext("短信服务未配置好，请联系系统管理员"), "error")
        return redirect(url_for("station.outbox"))
    if result.sending.quiet:
        flash(gettext("已加入待发送 %(n)d 条；现在是免打扰时段，结束后再发送。", n=result.enqueued), "info")
    else:
        flash(gettext("新加入 %(queued)d 条，已发送 %(sent)d 条，待重试 %(retry)d 条，失败 %(failed)d 条。",
                      queued=result.enqueued, sent=result.sending.sent, retry=result.sending.retry,
                      failed=result.sending.failed), "success")
    return redirect(url_for("station.outbox"))


@bp.post("/outbox/<int:message_id>/retry")
@roles_required(*SERVICE_STAFF)
def retry_message(message_id: int):
    try:
        reminders.retry(actor(), current_user, message_id)
    except ValidationFailed as exc:
        flash_refusal(exc)
    else:
        flash(gettext("将重新发送"), "success")
    return redirect(url_for("station.outbox", state=request.form.get("state") or None))
