"""The KPI dashboard: every rate of an area and month, its trend, its parts, its lists."""
from __future__ import annotations

from flask import abort, redirect, request
from flask_login import current_user

from ..services.exchange import work as exchange_work
from ..services.figures import kpi
from ..services.figures import lists as figure_lists
from ..web import render, roles_required, tr, xlsx_download
from ..web.lists import cursor_arg, cursor_links
from . import bp
from .reports import REPORTERS, export_sheet, selection


def _kpi(key: str) -> kpi.Kpi:
    found = kpi.find(key)
    if found is None:
        abort(404)
    return found


def _list_of(key: str, part: str):
    """The KPI, its list ``part`` (404 for neither) and the area and month asked for."""
    k = _kpi(key)
    listing = k.lists().get(part)
    if listing is None:
        abort(404)
    return k, listing, selection()


@bp.get("/kpi")
@roles_required(*REPORTERS)
def kpi_dashboard():
    sel = selection()
    report = kpi.report(sel.area, sel.coverage, sel.month, sel.ctx)
    exchange = exchange_work.tiles(current_user, within=sel.coverage.filter)
    return render("station/kpi.html", sel=sel, report=report,
                  exchange=exchange if any(t.ratio.denominator for t in exchange) else [])


@bp.post("/kpi/refresh")
@roles_required(*REPORTERS)
def kpi_refresh():
    """Count this month's figures again now (the page shows when they were counted)."""
    sel = selection()
    kpi.report(sel.area, sel.coverage, sel.ctx.current, sel.ctx, refresh=True)
    back = request.form.get("key")
    known = back is not None and kpi.find(back) is not None
    target = "station.kpi_detail" if known else "station.kpi_dashboard"
    return redirect(sel.url(target, **({"key": back} if known else {})))


@bp.get("/kpi/<key>")
@roles_required(*REPORTERS)
def kpi_detail(key: str):
    k = _kpi(key)
    sel = selection()
    report = kpi.report(sel.area, sel.coverage, sel.month, sel.ctx, kpis=(k,))
    return render("station/kpi_detail.html", sel=sel, report=report, k=report.kpis[0],
                  label=tr(k.text(k.label, sel.ctx.setting)))


@bp.get("/kpi/<key>/<part>")
@roles_required(*REPORTERS)
def kpi_list(key: str, part: str):
    k, listing, sel = _list_of(key, part)
    plus, minus = {"counted": (k.numerator, None), "missing": (k.denominator, k.numerator),
                   "overdue": (k.overdue, None)}[part]
    page = figure_lists.page(listing, sel.list_ctx, sel.month, cursor_arg(), estimate=figure_lists.stored_length(
        sel.coverage, sel.month, plus.key, minus.key if minus else None) if plus else None)
    return render("station/figure_list.html", sel=sel, listing=listing, page=page,
                  title=tr(k.text(listing.title, sel.ctx.setting)), back=sel.url("station.kpi_detail", key=key),
                  back_label=tr(k.text(k.label, sel.ctx.setting)),
                  export=sel.url("station.kpi_export", key=key, part=part),
                  page_url=cursor_links(lambda **c: sel.url("station.kpi_list", key=key, part=part, **c)))


@bp.get("/kpi/<key>/<part>/export.xlsx")
@roles_required(*REPORTERS)
def kpi_export(key: str, part: str):
    k, listing, sel = _list_of(key, part)
    title = tr(k.text(listing.title, sel.ctx.setting))
    rows = figure_lists.every_row(listing, sel.list_ctx, sel.month)
    return xlsx_download(f"{title}-{sel.month.key}", [export_sheet(title, rows, listing.kind)],
                         audit_as="kpi_list.export", filters={"kpi": key, "list": part, **sel.args})

