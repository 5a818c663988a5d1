"""Monthly sweep coverage per grid and month, for the station's supervisor."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from ..domain import rental
from ..domain.clock import month_bounds
from ..services.rental import sweeps
from ..web import render, roles_required
from . import bp

MONTHS = 6


def _months_after(month, count: int):
    for _ in range(count):
        month = month_bounds(month)[1]
    return month


@bp.get("/sweeps")
@roles_required("supervisor", "admin")
def sweep_coverage():
    now = sweeps.this_month()
    end = min(rental.parse_month(request.args.get("end")) or now, now)
    months = rental.recent_months(end, MONTHS)
    rows = sweeps.history(current_user, months)
    totals = [sweeps.Coverage(sum(c[i].visited for _, c in rows), sum(c[i].total for _, c in rows))
              for i in range(len(months))]
    return render("station/sweeps.html", months=months, rows=rows, totals=totals,
                  earlier=rental.recent_months(months[0], 2)[0],
                  later=min(_months_after(end, MONTHS), now) if end < now else None)
