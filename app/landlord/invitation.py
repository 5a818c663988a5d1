"""/landlord/invite/<token>: the landlord sets a password with the link the coordinator
showed them, and is signed in. Anyone holding the link may use it once, before it expires."""
from __future__ import annotations

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext

from ..auth.session import start_session
from ..domain.clock import utcnow
from ..extensions import limiter
from ..services.common.errors import NotFound, ValidationFailed
from ..services.rental import invitations
from ..web.forms import apply_errors
from . import bp
from .forms import SetPasswordForm


def _private(response):
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def invitation(token: str):
    invite = invitations.by_token(token)
    if invite is None or not invite.usable(utcnow()):
        status = 404 if invite is None else 410
        return _private(make_response(render_template("landlord/invite_gone.html"), status))
    form = SetPasswordForm()
    has_account = invitations.account(invite.landlord) is not None
    if form.validate_on_submit():
        try:
            user = invitations.accept(token, form.password.data, form.confirm.data, request.remote_addr)
        except NotFound:
            return _private(make_response(render_template("landlord/invite_gone.html"), 410))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            start_session(user)
            flash(gettext("密码已设置。以后请用手机号码和这个密码登录。"), "success")
            return redirect(url_for("landlord.home"))
    return _private(make_response(render_template(
        "landlord/invite.html", form=form, landlord=invite.landlord, has_account=has_account)))
