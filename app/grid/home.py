"""My grids: counts, the work list and active search."""
from flask import request, session, url_for
from flask_login import current_user

from ..domain.clock import local_today
from ..services import scope, search
from ..web import int_arg, is_htmx, render, roles_required
from . import bp
from .helpers import STAFF


@bp.route("/", methods=["GET", "POST"])
@roles_required(*STAFF)
def home():
    # The search text may be a name or an ID number: it travels in the POST body and
    # the session, never in the URL (URLs end up in logs and browser history).
    if request.method == "POST":
        session["q"] = (request.form.get("q") or "").strip()[:50]
    q = session.get("q", "")
    grid_id = int_arg("grid")
    if grid_id and not scope.may_see_grid(current_user, grid_id):
        grid_id = None
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
