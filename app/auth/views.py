import time

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_time, gettext
from flask_login import current_user, login_required, login_user, logout_user

from ..domain.clock import to_local
from ..extensions import limiter
from ..services import accounts
from ..services.context import Actor
from ..services.errors import ValidationFailed
from ..web import actor, safe_next, tr
from . import bp
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
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            lockout=current_app.config["LOGIN_LOCKOUT"])
        if result.user:
            session.clear()
            login_user(result.user)
            session["seen"] = int(time.time())
            if result.user.must_change_password:
                flash(gettext("管理员已重置您的密码，请设置新密码。"), "info")
                return redirect(url_for("auth.password"))
            return redirect(safe_next(request.args.get("next"), url_for("core.index")))
        if result.locked_until:
            form.password.errors.append(gettext(
                "登录失败次数过多，账号已锁定，请于 %(time)s 后再试。",
                time=format_time(to_local(result.locked_until), "HH:mm")))
        else:
            form.password.errors.append(gettext("用户名或密码不正确"))
    return render_template("auth/login.html", form=form), 200


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    flash(gettext("您已安全退出"), "info")
    return redirect(url_for("auth.login"))


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
            flash(gettext("密码已修改"), "success")
            return redirect(url_for("core.index"))
    return render_template("auth/password.html", form=form)
