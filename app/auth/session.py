"""Flask-Login wiring, the 30-minute idle timeout and the forced password change."""
from __future__ import annotations

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from ..extensions import db
from ..models import User


def configure_login(login_manager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录")
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_key: str):
        return user_for_session(session_key)

    @login_manager.unauthorized_handler
    def unauthorized():
        target = url_for("auth.login", next=request.path if request.method == "GET" else None)
        if not request.headers.get("HX-Request"):
            flash(login_manager.login_message, "info")
        return _leave_for(target)


def start_session(user: User) -> None:
    """A fresh session (nothing of the one before it) signed in at the user's generation."""
    session.clear()
    login_user(user)
    session["seen"] = int(time.time())


def user_for_session(session_key: str | None) -> User | None:
    """The user of a session key ``"<id>:<generation>"`` (``User.get_id``), or None when the
    generation moved on since (signed out, password changed or reset, deactivated)."""
    user_id, _, generation = (session_key or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit() and generation.isascii() and generation.isdigit()):
        return None
    user = db.session.get(User, int(user_id)) if len(user_id) < 10 else None
    if user is None or int(generation) != (user.session_generation or 0):
        return None
    return user


def _leave_for(target: str, status: int = 401):
    """Send the browser to ``target``: htmx follows HX-Redirect with a full page load
    instead of swapping the other page into a fragment."""
    if request.headers.get("HX-Request"):
        return "", status, {"HX-Redirect": target}
    return redirect(target)


def enforce_idle_timeout():
    """Sign out a user idle for longer than IDLE_TIMEOUT (kept in the signed session)."""
    if request.endpoint in ("static", "pwa.service_worker", "pwa.card_worker", "core.healthz") or request.blueprint == "api_v1" \
            or not current_user.is_authenticated:  # the integration API knows tokens, not sessions
        return None
    now = int(time.time())
    last = session.get("seen", now)
    if now - last > current_app.config["IDLE_TIMEOUT"].total_seconds():
        logout_user()
        session.clear()
        flash(_l("您已 30 分钟未操作，为了安全已自动退出，请重新登录。"), "info")
        return _leave_for(url_for("auth.login"))
    session.permanent = True
    session["seen"] = now
    return None


# What a user who must change their password may still reach: that page, signing out, and
# the files every page needs (styles, scripts, the web manifest and service worker).
PASSWORD_CHANGE_ALLOWS = frozenset({"auth.password", "auth.logout", "static", "pwa.manifest",
                                    "pwa.service_worker", "pwa.card_worker", "pwa.offline", "core.healthz"})


def enforce_password_change():
    """After an administrator's reset, nothing but the change-password page until the new
    password is set, whatever the role and however the URL is typed (pages, exports, htmx)."""
    if (request.endpoint in PASSWORD_CHANGE_ALLOWS or not current_user.is_authenticated
            or not current_user.must_change_password):
        return None
    if request.endpoint != "core.index":  # the landing page after signing in says nothing more
        flash(_l("请先设置新密码，再继续使用。"), "info")
    return _leave_for(url_for("auth.password"), status=403)
