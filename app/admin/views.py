from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from ..domain import settings as setting_rules
from ..domain.clock import utcnow
from ..extensions import db
from ..models import Area, AreaLevel, User
from ..services.admin import accounts
from ..services.admin import areas as area_service
from ..services.admin import settings as settings_service
from ..services.common.errors import NotFound, ValidationFailed
from ..web import actor, int_arg, render, roles_required, tr
from ..web.forms import apply_errors, flash_refusal
from ..web.lists import grid_choices
from . import bp
from .forms import AreaForm, ResetPasswordForm, UserForm


def _area_label(a: Area) -> str:
    return f"{a.name}（{a.code}）"


def _scope_choices(form: UserForm) -> None:
    tree = area_service.tree()
    form.area_id.choices = [("", "—")] + [(a.id, _area_label(a)) for a in tree if a.level == AreaLevel.TOWNSHIP.value]
    form.grid_ids.choices = grid_choices([a for a in tree if a.is_grid])


@bp.get("/")
@roles_required("admin")
def index():
    return redirect(url_for("admin.users"))


@bp.get("/users")
@roles_required("admin")
def users():
    rows = db.session.scalars(select(User).order_by(User.role, User.username)).all()
    return render("admin/users.html", users=rows, now=utcnow())


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    form = UserForm()
    _scope_choices(form)
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(gettext("请设置初始密码"))
        else:
            try:
                user = accounts.create_user(actor(), username=form.username.data, name=form.name.data,
                                            role=form.role.data, password=form.password.data, phone=form.phone.data,
                                            area_id=form.area_id.data, grid_ids=form.grid_ids.data)
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                flash(gettext("已创建用户 %(name)s", name=user.username), "success")
                return redirect(url_for("admin.users"))
    return render("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int):
    user = accounts.get(user_id)
    form = UserForm(obj=user if request.method == "GET" else None)
    _scope_choices(form)
    if user.role == "landlord":  # accounts made by invitation keep their role
        form.role.choices = [("landlord", gettext("房东"))]
    if request.method == "GET":
        form.grid_ids.data = [g.id for g in user.grids]
    form.username.data = user.username
    if form.validate_on_submit():
        try:
            accounts.update_user(actor(), user.id, name=form.name.data, phone=form.phone.data, role=form.role.data,
                                 area_id=form.area_id.data, grid_ids=form.grid_ids.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已保存"), "success")
            return redirect(url_for("admin.users"))
    return render("admin/user_form.html", form=form, user=user, reset=ResetPasswordForm(formdata=None))


@bp.post("/users/<int:user_id>/active")
@roles_required("admin")
def set_active(user_id: int):
    try:
        accounts.set_active(actor(), user_id, request.form.get("active") == "1")
    except ValidationFailed as exc:
        flash_refusal(exc)
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/unlock")
@roles_required("admin")
def unlock_user(user_id: int):
    """A locked account signs in again at once (the person called the station)."""
    accounts.unlock(actor(), user_id)
    flash(gettext("已解除锁定"), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/password")
@roles_required("admin")
def reset_password(user_id: int):
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.reset_password(actor(), user_id, form.password.data)
        flash(gettext("密码已重置，用户下次登录时须修改密码"), "success")
        return redirect(url_for("admin.users"))
    user = accounts.get(user_id)
    edit = UserForm(obj=user)
    _scope_choices(edit)
    edit.grid_ids.data = [g.id for g in user.grids]
    return render("admin/user_form.html", form=edit, user=user, reset=form)


@bp.get("/areas")
@roles_required("admin")
def areas():
    return render("admin/areas.html", areas=area_service.tree())


@bp.route("/areas/new", methods=["GET", "POST"])
@bp.route("/areas/<int:area_id>", methods=["GET", "POST"])
@roles_required("admin")
def area_form(area_id: int | None = None):
    area = db.session.get(Area, area_id) if area_id else None
    if area_id and area is None:
        raise NotFound("area")
    form = AreaForm(obj=area if request.method == "GET" else None)
    form.parent_id.choices = [("", "—")] + [(a.id, ("　" * a.path.count("/")) + _area_label(a))
                                            for a in area_service.tree() if not a.is_grid]
    if request.method == "GET" and not area and int_arg("parent"):
        form.parent_id.data = int_arg("parent")
    if form.validate_on_submit():
        fields = dict(code=form.code.data, name=form.name.data, address=form.address.data,
                      phone=form.phone.data, hours=form.hours.data,
                      estimated_population=form.estimated_population.data)
        try:
            if area:
                area_service.update(actor(), area.id, **fields)
            else:
                area_service.create(actor(), parent_id=form.parent_id.data, **fields)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已保存"), "success")
            return redirect(url_for("admin.areas"))
    return render("admin/area_form.html", form=form, area=area)


@bp.route("/settings", methods=["GET", "POST"])
@roles_required("admin")
def settings():
    typed, errors = {}, {}
    if request.method == "POST":
        # A field left out of the form keeps its value (an unticked box is a "no").
        typed = {d.key: request.form.get(d.key, "") for d, _ in settings_service.values()
                 if d.key in request.form or d.kind == "bool"}
        try:
            changed = settings_service.update(actor(), typed)
        except ValidationFailed as exc:
            errors = {key: tr(message) for key, message in exc.errors.items()}
        else:
            flash(gettext("已保存 %(count)d 项设置", count=len(changed)), "success")
            return redirect(url_for("admin.settings"))
    groups: dict[str, list] = {}
    for definition, value in settings_service.values():
        text = typed[definition.key] if definition.key in typed else setting_rules.shown(definition, value)
        groups.setdefault(definition.group, []).append((definition, text, errors.get(definition.key)))
    return render("admin/settings.html", groups=groups, has_errors=bool(errors))
