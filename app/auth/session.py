"""Flask-Login wiring and the 30-minute idle timeout."""
from __future__ import annotations

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from ..extensions import db
from ..models import User


def configure_login(login_manager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录")
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        try:
            return db.session.get(User, int(user_id))
        except (TypeError, ValueError):
            return None

    @login_manager.unauthorized_handler
    def unauthorized():
        target = url_for("auth.login", next=request.path if request.method == "GET" else None)
        if request.headers.get("HX-Request"):
            # htmx follows HX-Redirect with a full page load instead of swapping a login form in.
            return "", 401, {"HX-Redirect": target}
        flash(login_manager.login_message, "info")
        return redirect(target)


def enforce_idle_timeout():
    """Sign out a user idle for longer than IDLE_TIMEOUT (kept in the signed session)."""
    if request.endpoint in ("static", "pwa.service_worker", "core.healthz") or not current_user.is_authenticated:
        return None
    now = int(time.time())
    last = session.get("seen", now)
    if now - last > current_app.config["IDLE_TIMEOUT"].total_seconds():
        logout_user()
        session.clear()
        flash(_l("您已 30 分钟未操作，为了安全已自动退出，请重新登录。"), "info")
        target = url_for("auth.login")
        if request.headers.get("HX-Request"):
            return "", 401, {"HX-Redirect": target}
        return redirect(target)
    session.permanent = True
    session["seen"] = now
    return None
