"""The audit log: search, one entry's full identity numbers (audited), export."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext

from ..domain.clock import to_local
from ..domain.text import N_
from ..services.admin import audit_log
from ..services.common.spreadsheet import Sheet
from ..web import actor, int_arg, is_htmx, render, roles_required, xlsx_download
from ..web.lists import cursor_arg, page_links
from . import bp

FILTERS = ("entity", "action", "user")


def _filters() -> dict:
    return {k: (request.values.get(k) or "").strip()[:64] for k in FILTERS}


def _query(filters: dict) -> dict:
    return dict(entity=filters["entity"], action=filters["action"], username=filters["user"],
                entity_id=int_arg("entity_id"))


def _context(filters: dict, **extra) -> dict:
    """What the log's page and its rows need, besides the entries."""
    given = {k: v for k, v in filters.items() if v}
    return dict(filters=filters, page_url=page_links("admin.audit", **given),
                export_url=url_for("admin.export_audit", **given),
                audit_changes=audit_log.changes, audit_has_id=audit_log.has_id_number, **extra)


@bp.get("/audit")
@roles_required("admin")
def audit():
    filters = _filters()
    page = audit_log.search(cursor=cursor_arg(), **_query(filters))
    return render("admin/audit.html", block="results", page=page, **_context(filters, revealed=None))


@bp.post("/audit/<int:entry_id>/reveal-id")
@roles_required("admin")
def reveal_audit_id(entry_id: int):
    """显示完整号码 for one entry; the reading is itself in the log."""
    entry = audit_log.reveal(actor(), entry_id)
    filters = _filters()
    if is_htmx():
        return render("admin/_audit_entry.html", e=entry, **_context(filters, revealed=entry.id))
    page = audit_log.search(cursor=cursor_arg(), **_query(filters))
    return render("admin/audit.html", page=page, **_context(filters, revealed=entry.id))


HEADERS = (N_("时间"), N_("用户"), N_("操作"), N_("对象"), N_("编号"), N_("修改前"), N_("修改后"), "IP")


@bp.get("/audit/export.xlsx")
@roles_required("admin")
def export_audit():
    """Every entry the filters select, identity numbers masked."""
    filters = _filters()

    def rows():
        for e in audit_log.every(**_query(filters)):
            before, after = audit_log.masked(e)
            yield [to_local(e.at).replace(tzinfo=None), e.user.username if e.user else e.actor, e.action, e.entity, e.entity_id,
                   audit_log.shown(before) or None, audit_log.shown(after) or None, e.ip]

    title = gettext("审计日志")
    return xlsx_download(title, [Sheet(title, [gettext(h) if h != "IP" else h for h in HEADERS], rows(),
                                         widths=(17, 12, 18, 14, 9, 60, 60, 15))],
                         audit_as="audit.export", filters={k: v for k, v in filters.items() if v})
