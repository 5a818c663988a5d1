"""My grids: counts, the work list and active search."""
from flask import request, url_for
from flask_login import current_user

from ..domain.clock import local_today
from ..services import search
from ..web import int_arg, is_htmx, render, roles_required
from . import bp
from .helpers import STAFF, grid_arg, remembered_search


@bp.route("/", methods=["GET", "POST"])
@roles_required(*STAFF)
def home():
    q, grid_id = remembered_search("q"), grid_arg()
    status = request.args.get("status", "present")
    page = search.people(current_user, q=q, grid_id=grid_id, status=status,
                         page=int_arg("page", 1) or 1)

    def page_url(n):
        return url_for("grid.home", grid=grid_id, status=status, page=n)

    context = dict(q=q, page=page, page_url=page_url, grid_id=grid_id, status=status)
    if is_htmx():
        return render("grid/home.html", block="results", **context)
    today = local_today()
    return render("grid/home.html",
                  counts=search.counts(current_user, today, grid_id),
                  grids=search.grid_summaries(current_user, today), **context)
