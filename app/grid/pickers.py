"""Small HTMX helpers of the forms: cascading division pickers, dwellings of a grid."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from ..domain import divisions
from ..services import scope
from ..domain.keys import parse_key
from ..web import render, roles_required
from . import bp
from . import helpers
from .helpers import STAFF, searched_dwelling

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


@bp.route("/pickers/dwellings", methods=["GET", "POST"])
@roles_required(*STAFF)
def dwelling_options():
    """The options of a dwelling picker: the grid's dwellings, or those whose address
    contains the text typed into its search box (posted, as the work list's search is)."""
    grid_id, selected = _int(request.values.get("grid_id")), _int(request.values.get("dwelling_id"))
    if not grid_id or not scope.may_see_grid(current_user, grid_id):
        return render("grid/_dwelling_options.html", found=None)
    return render("grid/_dwelling_options.html", found=helpers.dwelling_options(
        grid_id, searched_dwelling(), selected, pick_single=True))


def _int(value) -> int | None:
    return parse_key(value)
