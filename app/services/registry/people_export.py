"""The people lists as spreadsheets: every person the list's filters select, not one page.

Identity numbers are masked unless the user may see full ones and asked for them.
Every export is in the audit log: who, which filters (whether a search was applied, not
its text, which may be a name or a number), how many rows, masked or not.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy.orm import joinedload

from ...domain import choices, divisions
from ...domain.clock import to_local
from ...domain.masking import mask_id_number
from ...domain.text import N_
from ...extensions import db
from ...models import Area, Person, User
from . import search
from .people import grid_path

FULL_ID_ROLES = ("supervisor", "admin")

# Header labels match the import's column names, so an export can be imported again.
HEADERS = (N_("姓名"), N_("性别"), N_("身份证号码"), N_("出生日期"), N_("民族"), N_("手机号码"), N_("户籍地区划代码"),
           N_("户籍地区"), N_("户籍详细地址"), N_("现住址"), N_("房间号"), N_("网格"), N_("来本地日期"), N_("来本地原因"),
           N_("预计居住期限"), N_("婚姻状况"), N_("文化程度"), N_("职业"), N_("工作单位"), N_("状态"), N_("注销日期"),
           N_("信息采集时间"), N_("录入时间"))
WIDTHS = (10, 5, 21, 11, 8, 13, 12, 24, 28, 30, 8, 20, 11, 10, 12, 9, 10, 12, 24, 7, 11, 16, 16)
STATUS = {"present": N_("在住"), "left": N_("已注销")}


def may_see_full_ids(user: User) -> bool:
    return user.role in FULL_ID_ROLES


@dataclass
class Export:
    rows: Iterator[list]
    counted: list  # [n] once the rows are consumed


def people_rows(user: User, *, q: str, grid_id: int | None, status: str, full_ids: bool,
                label: Callable[[str], str], area: Area | None = None) -> Export:
    """Rows for ``services.common.spreadsheet.Sheet``, streamed from the database; ``label``
    translates code-list labels."""
    stmt = (search.filtered(user, q=q, grid_id=grid_id, status=status, area=area)
            .options(joinedload(Person.dwelling), joinedload(Person.grid).joinedload(Area.parent).joinedload(Area.parent))
            .order_by(Person.grid_id, Person.name, Person.id).execution_options(yield_per=1000))
    counted = [0]
    show_id = (lambda n: n) if full_ids and may_see_full_ids(user) else mask_id_number

    def rows():
        for p in db.session.scalars(stmt):
            counted[0] += 1
            yield [p.name, label(choices.label(choices.SEX, p.sex)), show_id(p.id_number) or None, p.birth_date,
                   label(choices.label(choices.ETHNICITIES, p.ethnicity)), p.phone, p.hukou_area_code,
                   divisions.full_name(p.hukou_area_code) if p.hukou_area_code else None, p.hukou_address,
                   p.dwelling.address if p.dwelling else None, p.room, grid_path(p.grid) or None,
                   p.arrived_on, label(choices.label(choices.REASONS_FOR_COMING, p.reason_for_coming)),
                   label(choices.label(choices.EXPECTED_STAY, p.expected_stay)),
                   label(choices.label(choices.MARITAL_STATUS, p.marital_status)),
                   label(choices.label(choices.EDUCATION, p.education)), p.occupation, p.employer,
                   label(STATUS.get(p.status, p.status)), p.left_on, _local(p.collected_at), _local(p.entered_at)]
    return Export(rows(), counted)


def _local(moment):
    local = to_local(moment)
    return local.replace(tzinfo=None) if local else None
