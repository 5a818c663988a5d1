"""Small HTMX helpers of the forms: cascading division pickers, dwellings of a grid."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from ..domain import divisions
from ..services import dwellings as dwelling_service
from ..services import scope
from ..web import int_arg, render, roles_required
from . import bp
from .helpers import STAFF

LEVELS = ("hukou_1", "hukou_2", "hukou_3", "hukou_4")


def picked_code(formdata) -> str:
    """The deepest division picked, each level a child of the one above it."""
    code = ""
    for name in LEVELS:
        value = (formdata.get(name) or "").strip()
        division = divisions.get(value) if value else None
        if division is None or (code and division.parent != code):
            break
        code = division.code
    return code or (formdata.get("hukou_legacy") or "").strip()


def picker_context(code: str | None) -> dict:
    """Options and selections for the four selects, from a (possibly partial) code."""
    code = divisions.normalise_code(code or "")
    chain = divisions.lineage(code) if code else []
    levels, parent = [], None
    for depth in range(4):
        options = divisions.children(parent) if depth == 0 or parent else []
        selected = chain[depth].code if depth < len(chain) else ""
        levels.append({"name": LEVELS[depth], "options": options, "selected": selected})
        parent = selected or None
    status = divisions.status(code) if code else None
    return {"hukou_levels": levels, "hukou_code": code,
            "hukou_legacy": code if status and status is not divisions.CodeStatus.CURRENT else "",
            "hukou_legacy_name": divisions.full_name(code) if code else ""}


@bp.get("/pickers/hukou")
@roles_required(*STAFF)
def hukou_picker():
    return render("grid/_hukou_picker.html", **picker_context(picked_code(request.args)))


@bp.get("/pickers/dwellings")
@roles_required(*STAFF)
def dwelling_options():
    grid_id = int_arg("grid_id")
    options = dwelling_service.in_grid(grid_id) if grid_id and scope.may_see_grid(current_user, grid_id) else []
    return render("grid/_dwelling_options.html", options=options)
