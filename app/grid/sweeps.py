"""每月入户核查 on the phone: the grid's dwellings, each marked visited this month with
a result; "changes found" leads to the dwelling's people (register, edit, move, deregister)."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..domain import rental
from ..services import scope
from ..services.common.errors import ValidationFailed
from ..services.rental import sweeps
from ..web import actor, is_htmx, render, roles_required
from ..web.forms import flash_refusal
from ..web.idempotency import idempotent
from ..web.lists import grid_arg
from . import bp
from .helpers import STAFF

SHOW = ("todo", "done", "all")


def _context(grid_id: int, show: str) -> dict:
    grids = scope.grids(current_user)
    month = sweeps.this_month()
    months = rental.recent_months(month, 6)
    history = [sweeps.coverage([grid_id], m)[grid_id] for m in months]
    return dict(grids=grids, grid=scope.get_grid(current_user, grid_id), show=show, month=month,
                rows=sweeps.dwellings(current_user, grid_id, show), coverage=history[-1],
                history=list(zip(months, history)), results=rental.SWEEP_RESULTS)


@bp.get("/sweep")
@roles_required(*STAFF)
def sweep():
    grids = scope.grids(current_user)
    if not grids:
        return render("grid/sweep.html", grids=[], grid=None)
    grid_id = grid_arg() or grids[0].id
    show = request.args.get("show") if request.args.get("show") in SHOW else "todo"
    return render("grid/sweep.html", **_context(grid_id, show))


@bp.post("/sweep/<int:dwelling_id>")
@roles_required(*STAFF)
@idempotent
def mark_visited(dwelling_id: int):
    d = scope.get_dwelling(current_user, dwelling_id)
    result = request.form.get("result", "")
    show = request.form.get("show") if request.form.get("show") in SHOW else "todo"
    try:
        visit = sweeps.mark(actor(), current_user, d.id, result, request.form.get("note"))
    except ValidationFailed as exc:
        flash_refusal(exc)
        return redirect(url_for("grid.sweep", grid=d.grid_id, show=show))
    if visit.result == "changes":
        # What changed is recorded on the people: the dwelling page leads to each form.
        flash(gettext("已记录走访：有变化。请在下面登记新来人员，或打开在住人员更新、迁移、注销。"), "info")
        target = url_for("grid.dwelling", dwelling_id=d.id)
        if is_htmx():
            return "", 204, {"HX-Redirect": target}
        return redirect(target)
    if is_htmx():
        # The redrawn list says what was recorded: no flash survives an htmx swap.
        return render("grid/sweep.html", block="sweep", marked=d.address, **_context(d.grid_id, show))
    flash(gettext("已记录走访：%(address)s", address=d.address), "success")
    return redirect(url_for("grid.sweep", grid=d.grid_id, show=show))
