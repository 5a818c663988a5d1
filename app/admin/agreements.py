"""The responsibility agreement's text, kept as numbered versions by the admin."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..services.common.errors import ValidationFailed
from ..services.rental import agreements as service
from ..web import actor, render, roles_required
from ..web.forms import apply_errors
from . import bp


class TemplateForm(FlaskForm):
    title = StringField(_l("标题"), validators=[DataRequired(_l("请填写标题")), Length(max=100)])
    body = TextAreaField(_l("正文"), validators=[DataRequired(_l("请填写责任书正文")), Length(max=20000)])
    resign_required = BooleanField(_l("要求已签署旧版本的房东重新签署"))


@bp.get("/agreements")
@roles_required("admin")
def agreements():
    return render("admin/agreements.html", templates=service.templates())


@bp.route("/agreements/new", methods=["GET", "POST"])
@roles_required("admin")
def new_agreement():
    latest = service.current()
    form = TemplateForm(obj=latest if request.method == "GET" else None)
    if request.method == "GET":
        form.resign_required.data = False
    if form.validate_on_submit():
        try:
            template = service.publish(actor(), form.title.data, form.body.data, form.resign_required.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已发布第 %(n)d 版", n=template.version), "success")
            return redirect(url_for("admin.agreements"))
    return render("admin/agreement_form.html", form=form, latest=latest)


@bp.get("/agreements/<int:template_id>")
@roles_required("admin")
def agreement_template(template_id: int):
    return render("admin/agreement.html", t=service.get_template(template_id))
