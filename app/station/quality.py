"""The data-quality monitor: each rule's count per area, and its fix-it list."""
from __future__ import annotations

from flask import abort, redirect

from ..services.figures import lists as figure_lists
from ..services.figures import quality as monitor
from ..web import render, roles_required, tr, xlsx_download
from ..web.lists import cursor_arg, cursor_links
from . import bp
from .reports import REPORTERS, export_sheet, selection


def _rule(key: str) -> monitor.Rule:
    rule = monitor.BY_KEY.get(key)
    if rule is None:
        abort(404)
    return rule


@bp.get("/quality")
@roles_required(*REPORTERS)
def quality():
    sel = selection()
    return render("station/quality.html", sel=sel, rules=monitor.RULES,
                  summary=monitor.summary(sel.area, sel.coverage, sel.ctx))


@bp.post("/quality/refresh")
@roles_required(*REPORTERS)
def quality_refresh():
    sel = selection()
    monitor.summary(sel.area, sel.coverage, sel.ctx, refresh=True)
    return redirect(sel.url("station.quality"))


@bp.get("/quality/<key>")
@roles_required(*REPORTERS)
def quality_list(key: str):
    rule = _rule(key)
    sel = selection()
    ctx = monitor.list_context(rule, sel.coverage, sel.ctx)
    page = figure_lists.page(rule.listing, ctx, sel.ctx.current, cursor_arg(),
                             estimate=figure_lists.stored_length(sel.coverage, sel.ctx.current, rule.measure.key))
    return render("station/figure_list.html", sel=sel, listing=rule.listing, page=page, title=tr(rule.label),
                  explain=tr(rule.explain), back=sel.url("station.quality"), back_label=tr(monitor.TITLE),
                  export=sel.url("station.quality_export", key=key), now=True,
                  page_url=cursor_links(lambda **c: sel.url("station.quality_list", key=key, **c)))


@bp.get("/quality/<key>/export.xlsx")
@roles_required(*REPORTERS)
def quality_export(key: str):
    rule = _rule(key)
    sel = selection()
    title = tr(rule.label)
    rows = figure_lists.every_row(rule.listing, monitor.list_context(rule, sel.coverage, sel.ctx), sel.ctx.current)
    return xlsx_download(title, [export_sheet(title, rows, rule.listing.kind)],
                         audit_as="quality_list.export", filters={"rule": key, **sel.args})
