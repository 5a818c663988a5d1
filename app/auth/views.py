from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_time, gettext
from flask_login import current_user, login_required, logout_user

from ..domain.clock import minutes_until, to_local
from ..extensions import limiter
from ..services.admin import accounts
from ..services.common.context import Actor
from ..services.common.errors import ValidationFailed
from ..web import actor, safe_next, tr
from . import bp
from .session import start_session
from .forms import ChangePasswordForm, LoginForm


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = accounts.authenticate(
            Actor(None, "login", request.remote_addr), form.username.data, form.password.data,
            max_failures=current_app.config["LOGIN_MAX_FAILURES"], lockout=current_app.config["LOGIN_LOCKOUT"],
            ip_max_failures=current_app.config["LOGIN_IP_MAX_FAILURES"], ip_window=current_app.config["LOGIN_IP_WINDOW"])
        if result.user:
            start_session(result.user)
            if result.user.must_change_password:
                flash(gettext("管理员已重置您的密码，请设置新密码。"), "info")
                return redirect(url_for("auth.password"))
            return redirect(safe_next(request.args.get("next"), url_for("core.index")))
        if result.ip_blocked_until:
            form.password.errors.append(gettext(
                "此网络地址登录失败次数过多，请于 %(time)s 后再试（约 %(minutes)d 分钟）。",
                time=format_time(to_local(result.ip_blocked_until), "HH:mm"),
                minutes=minutes_until(result.ip_blocked_until)))
        elif result.locked_until:
            form.password.errors.append(gettext(
                "登录失败次数过多，账号已锁定，请于 %(time)s 后再试（约 %(minutes)d 分钟），或请管理员解除锁定。",
                time=format_time(to_local(result.locked_until), "HH:mm"), minutes=minutes_until(result.locked_until)))
        else:
            form.password.errors.append(gettext("用户名或密码不正确"))
    return render_template("auth/login.html", form=form), 200


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        accounts.sign_out(actor(), current_user)
    logout_user()
    session.clear()
    flash(gettext("您已安全退出"), "info")
    response = redirect(url_for("auth.login"))
    # Nothing of this user stays on the phone: the offline outbox and data, the kept pages.
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_own_password(actor(), current_user, form.current.data, form.new.data)
        except ValidationFailed as exc:
            for field, message in exc.errors.items():
                getattr(form, field if field in ("current",) else "new").errors.append(tr(message))
        else:
            start_session(current_user._get_current_object())
            flash(gettext("密码已修改"), "success")
            return redirect(url_for("core.index"))
    return render_template("auth/password.html", form=form)
