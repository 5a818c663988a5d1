"""Integration tokens for the JSON API: made per integration, shown once, revoked here."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext

from ..services.admin import areas as area_service
from ..services.common.errors import ValidationFailed
from ..services.integration import tokens
from ..web import actor, render, roles_required
from ..web.forms import apply_errors
from . import bp
from .forms import ApiTokenForm


@bp.get("/api-tokens")
@roles_required("admin")
def api_tokens():
    return render("admin/api_tokens.html", tokens=tokens.all_tokens())


@bp.route("/api-tokens/new", methods=["GET", "POST"])
@roles_required("admin")
def new_api_token():
    form = ApiTokenForm()
    # Indented by depth (``path`` holds the ids above): a token sees everything below its areas.
    form.area_ids.choices = [(a.id, f"{'　' * (a.path.count('/') - 1)}{a.label}（{a.code}）")
                             for a in area_service.tree()]
    if form.validate_on_submit():
        try:
            token, secret = tokens.create(actor(), name=form.name.data, access=form.access.data,
                                          area_ids=form.area_ids.data, full_id_numbers=form.full_id_numbers.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            # Shown on this response only: the secret is not stored and never goes in a URL.
            response = render("admin/api_token_created.html", token=token, secret=secret)
            response.headers["Cache-Control"] = "no-store"
            return response
    return render("admin/api_token_form.html", form=form)


@bp.post("/api-tokens/<int:token_id>/revoke")
@roles_required("admin")
def revoke_api_token(token_id: int):
    token = tokens.revoke(actor(), token_id)
    flash(gettext("已撤销令牌 %(name)s，立即失效", name=token.name), "success")
    return redirect(url_for("admin.api_tokens"))
