"""Importing an outflow ledger: the ledger import's pages (``web.ledger_pages``) for the
outflow register, with the register's roles and scope, and its blank template."""
from __future__ import annotations

from flask_babel import gettext

from ..domain import outflow_ledger
from ..domain.text import N_
from ..grid.helpers import STAFF
from ..services.outflow import ledger_import
from ..web import roles_required
from ..web.ledger_pages import ImportPages, template_download
from . import bp

PAGES = ImportPages("outflow", ledger_import.LEDGER, title=N_("导入流出人口台账"), done_endpoint="outflow.index",
                    done_label=N_("查看流出人口"))

TEMPLATE_FIELDS = ("name", "id_number", "left_on", "destination", "reason", "occupation", "employer", "phone",
                   "home_contact", "home_phone", "expected_return", "grid")
TEMPLATE_NOTES = {
    "name": N_("必填"),
    "id_number": N_("必填；请把此列设为“文本”格式，否则 18 位号码会丢失后几位"),
    "left_on": N_("必填：日期，如 2026-05-01、2026.5.1、2026年5月1日"),
    "destination": N_("流入地地址，从省或市写起，如：广东省深圳市南山区粤海街道科技园路1号；能对应到行政区划的部分按区划登记"),
    "reason": N_("如：务工、经商、投靠亲友"),
    "occupation": N_("可空"),
    "employer": N_("可空"),
    "phone": N_("本人在外的 11 位手机号码"),
    "home_contact": N_("家中联系人姓名"),
    "home_phone": N_("家中联系人的 11 位手机号码"),
    "expected_return": N_("日期，可空"),
    "grid": N_("户籍所在网格：可空，不填时导入到页面上选择的网格；填写时写网格编码或“街道 社区 网格”"),
}


PAGES.route(bp, STAFF)


@bp.get("/imports/template.xlsx")
@roles_required(*STAFF)
def import_template():
    return template_download(gettext("流出人口导入模板"), gettext("流出人口"), outflow_ledger.COLUMNS, TEMPLATE_FIELDS,
                             TEMPLATE_NOTES)
