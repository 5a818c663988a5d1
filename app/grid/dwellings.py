"""Dwellings of the grid: list, register, see who lives there."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..services import dwellings as dwelling_service
from ..services import scope
from ..services.errors import ValidationFailed
from ..web import actor, int_arg, is_htmx, render, roles_required
from . import bp
from .forms import DwellingForm
from .helpers import STAFF, apply_errors, grid_arg, remembered_search
from .landlords import invite_landlord, landlord_panel


@bp.route("/dwellings", methods=["GET", "POST"])
@roles_required(*STAFF)
def dwellings():
    q, grid_id = remembered_search("dq"), grid_arg()
    page = dwelling_service.search(current_user, q=q, grid_id=grid_id, page=int_arg("page", 1) or 1)
    context = dict(q=q, page=page, grid_id=grid_id,
                   page_url=lambda n: url_for("grid.dwellings", grid=grid_id, page=n))
    if is_htmx():
        return render("grid/dwellings.html", block="results", **context)
    return render("grid/dwellings.html", grids=scope.grids(current_user), **context)


@bp.route("/dwellings/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_dwelling():
    form = DwellingForm()
    grids = scope.grids(current_user)
    form.grid_id.choices = [(g.id, g.label) for g in grids]
    if request.method == "GET" and int_arg("grid"):
        form.grid_id.data = int_arg("grid")
    if form.validate_on_submit():
        try:
            grid = scope.get_grid(current_user, form.grid_id.data)
            dwelling = dwelling_service.create(actor(), current_user, grid, form.new_dwelling())
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已登记住所"), "success")
            if form.invite_landlord.data and dwelling.landlord is not None:
                return invite_landlord(dwelling.id)
            return redirect(url_for("grid.dwelling", dwelling_id=dwelling.id))
    return render("grid/dwelling_form.html", form=form)


@bp.get("/dwellings/<int:dwelling_id>")
@roles_required(*STAFF)
def dwelling(dwelling_id: int):
    d = scope.get_dwelling(current_user, dwelling_id)
    return render("grid/dwelling.html", d=d, occupants=dwelling_service.occupants(d), **landlord_panel(d))
