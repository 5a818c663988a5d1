"""Staff performance: each coordinator's month, on the page and as .xlsx."""
from __future__ import annotations

from flask import request
from flask_babel import format_date, gettext
from flask_login import current_user

from ..domain import staff_performance as rules
from ..domain.clock import local_today
from ..services.common.spreadsheet import Sheet
from ..services.figures import staff
from ..web import render, roles_required, xlsx_download
from . import bp

STAFF_VIEWERS = ("coordinator", "supervisor", "admin")


def _month():
    return rules.month_of(request.args.get("month"), local_today())


def _month_label(month) -> str:
    return format_date(month, "yyyy-MM")


@bp.get("/staff")
@roles_required(*STAFF_VIEWERS)
def staff_performance():
    month = _month()
    return render("station/staff.html", report=staff.report(current_user, month), month=month,
                  months=rules.recent_months(local_today()), month_label=_month_label)


@bp.get("/staff.xlsx")
@roles_required(*STAFF_VIEWERS)
def staff_export():
    month = _month()
    report = staff.report(current_user, month)
    headers = [gettext("协管员"), gettext("采集"), gettext("录入"), gettext("审核合格"), gettext("导入（不计奖励）"),
               gettext("录入时长中位数（小时）"), gettext("超过 %(h)d 小时录入", h=report.limit_hours), gettext("奖励（元）")]

    def line(r, name):
        return [name, r.collected, r.entered, r.approved, r.imported, r.median_hours, r.late, float(r.reward)]
    rows = [line(r, r.name) for r in report.rows] + [line(report.total, gettext("合计"))]
    title = gettext("工作量") + " " + _month_label(month)
    note = gettext("奖励 = 采集 × %(c)s + 录入 × %(e)s + 审核合格 × %(a)s 元", c=report.rates.collected,
                   e=report.rates.entered, a=report.rates.approved)
    return xlsx_download(gettext("工作量"), [Sheet(title, headers, rows, widths=[16, 8, 8, 10, 14, 18, 16, 12],
                                                 preamble=(title, note))],
                         audit_as="staff.export", filters={"month": month.isoformat()})
