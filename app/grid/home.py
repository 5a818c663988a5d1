"""My grids: counts, the work list and active search."""
from flask import request
from flask_login import current_user

from ..domain.clock import local_today
from ..services.registry import search
from ..web import is_htmx, render, roles_required
from ..services import scope
from ..services.figures import report_areas
from ..web.lists import cursor_arg, page_links, place_args, remembered_search, uses_picker
from . import bp
from .helpers import STAFF


@bp.route("/", methods=["GET", "POST"])
@roles_required(*STAFF)
def home():
    q, (grid_id, area) = remembered_search("q"), place_args()
    status = request.args.get("status", "present")
    place = {"grid": grid_id, "area": area.id if area else None}
    page_url = page_links("grid.home", status=status, **place)
    context = dict(q=q, page_url=page_url, grid_id=grid_id, status=status, place=place)
    if is_htmx():
        page = search.people(current_user, q=q, grid_id=grid_id, area=area, status=status, cursor=cursor_arg())
        return render("grid/home.html", block="results", page=page, **context)
    today = local_today()
    counts = search.counts(current_user, today, grid_id, area)
    # The stored count of the people present (a township's, the county's) is the list's estimate.
    stored = counts.present if counts.counted_at and status == "present" else None
    page = search.people(current_user, q=q, grid_id=grid_id, area=area, status=status, cursor=cursor_arg(),
                         estimate=lambda: stored)
    if uses_picker(current_user):  # a township or the county: township › community › grid
        chosen = area or (scope.get_grid(current_user, grid_id) if grid_id else None)
        where = dict(picker=report_areas.picker(current_user, chosen), grids=[])
    else:
        where = dict(picker=[], grids=search.grid_summaries(current_user, today))
    return render("grid/home.html", page=page, counts=counts, **where, **context)
