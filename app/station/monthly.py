"""The monthly statistical report (月报) of an area, as a page to print."""
from __future__ import annotations

from ..services.figures import monthly as monthly_service
from ..services.figures import quality
from ..web import render, roles_required
from . import bp
from .reports import REPORTERS, selection


@bp.get("/monthly")
@roles_required(*REPORTERS)
def monthly():
    sel = selection(default="previous")
    report = monthly_service.report(sel.area, sel.coverage, sel.month, sel.ctx)
    return render("station/monthly.html", sel=sel, report=report, rules=quality.RULES)
