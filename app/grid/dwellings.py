"""Dwellings of the grid: list, register, correct, see who lives there."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..domain.masking import mask_id_number
from ..services import scope
from ..services.common.errors import StaleEdit, ValidationFailed
from ..services.registry import dwellings as dwelling_service
from ..web import actor, int_arg, is_htmx, render, roles_required
from ..web.forms import apply_errors
from ..web.lists import cursor_arg, grid_arg, page_links, remembered_search
from . import bp
from .forms import DwellingForm, EditDwellingForm
from .helpers import STAFF, stale_rows
from .landlords import invite_landlord, landlord_panel


@bp.route("/dwellings", methods=["GET", "POST"])
@roles_required(*STAFF)
def dwellings():
    q, grid_id = remembered_search("dq"), grid_arg()
    page = dwelling_service.search(current_user, q=q, grid_id=grid_id, cursor=cursor_arg())
    context = dict(q=q, page=page, grid_id=grid_id, page_url=page_links("grid.dwellings", grid=grid_id))
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


@bp.route("/dwellings/<int:dwelling_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_dwelling(dwelling_id: int):
    d = scope.get_dwelling(current_user, dwelling_id)
    form = EditDwellingForm(data=dwelling_service.edit_values(d) if request.method == "GET" else None)
    stale, landlord_before = None, d.landlord_id
    if request.method == "GET":
        form.version.data = d.version
    elif form.validate_on_submit():
        try:
            dwelling_service.update(actor(), current_user, d.id, form.opened_version(), form.new_dwelling())
        except StaleEdit as exc:
            stale = _stale_diff(form, exc.current)
            form.version.data = exc.current.version  # saving again now overwrites knowingly
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已保存"), "success")
            if d.landlord_id not in (landlord_before, None):
                flash(gettext("已更换房东：新房东需为此住所签署责任书"), "info")
            return redirect(url_for("grid.dwelling", dwelling_id=d.id))
    return render("grid/dwelling_edit.html", d=d, form=form, stale=stale)


def _stale_diff(form, current) -> list[tuple]:
    """Both versions; a blank landlord ID number means "as recorded", and the recorded one stays masked."""
    mine = form.new_dwelling()
    if not mine["landlord_id_number"]:
        del mine["landlord_id_number"]
    theirs = dwelling_service.edit_values(current)
    theirs["landlord_id_number"] = mask_id_number(current.landlord.id_number) if current.landlord else ""
    return stale_rows(form, mine, theirs)
