"""An outflow ledger (流出人口台账) read row by row: the columns its headers name, and each
row's values checked as the register's form checks them.

What ledgers write: 身份证号 / 公民身份号码, 外出日期 / 离开日期, the destination as one
text (流入地 / 外出地址 / 现居住地: "广东省深圳市南山区粤海街道科技园…"), which is matched to
a division as deep as it goes (the rest stays as the free address; nothing typed is
lost), the reason as a label of the reason list, phones with spaces.
"""
from __future__ import annotations

import datetime as dt

from . import divisions, outflow
from . import ledger_values as values
from .ledger_columns import Columns, Field
from .ledger_rows import PHONE_LEFT_OUT, Row, first_error_per_field, parse_id_number, read_each, start_row
from .text import Message, N_

FIELDS: tuple[Field, ...] = (
    Field("name", N_("姓名"), ("名字", "人员姓名", "外出人员姓名", "流出人口姓名", "name")),
    Field("id_number", N_("身份证号码"), ("身份证号", "公民身份号码", "公民身份证号", "公民身份证号码", "证件号码",
                                       "证件号", "身份证", "身份号码", "居民身份证号码", "身份证件号码", "id number")),
    Field("left_on", N_("外出日期"), ("离开日期", "外出时间", "离开时间", "流出日期", "流出时间", "外出年月",
                                  "离开户籍地日期", "left on")),
    Field("destination", N_("流入地"), ("外出地址", "现居住地", "现居住地址", "外出地点", "流入地址", "流入地详细地址",
                                     "务工地址", "外出去向", "去向", "现住址", "在外住址", "destination")),
    Field("dest_area_code", N_("流入地区划代码"), ("流入地代码", "外出地区划代码", "destination code")),
    Field("reason", N_("外出原因"), ("流出原因", "外出事由", "reason")),
    Field("occupation", N_("从事职业"), ("职业", "工种", "在外从事职业", "occupation")),
    Field("employer", N_("工作单位"), ("务工单位", "就业单位", "服务处所", "单位", "工作单位名称", "employer")),
    Field("phone", N_("在外联系电话"), ("联系电话", "本人电话", "手机号码", "手机", "联系方式", "本人联系电话", "phone")),
    Field("home_contact", N_("家中联系人"), ("家庭联系人", "家中联系人姓名", "home contact")),
    Field("home_phone", N_("家中联系人电话"), ("家中联系电话", "家庭联系电话", "家中电话", "家庭电话", "home phone")),
    Field("expected_return", N_("预计返乡日期"), ("预计返回日期", "预计回乡日期", "预计返回时间", "expected return")),
    Field("grid", N_("户籍所在网格"), ("网格", "网格编码", "网格代码", "所属网格", "网格编号", "grid")),
)
COLUMNS = Columns(FIELDS)
TEXT_LIMITS = {"name": 64, "occupation": 64, "employer": 100, "home_contact": 64, "grid": 64}
DEST_LIMIT = 200
DATE_VALUES = ("left_on", "expected_return", "birth_date")


def read_row(line: int, cells: dict, today: dt.date, formulas: dict[str, bool] | None = None) -> Row:
    """``cells`` maps field keys to one row's raw cell values. An error keeps the row out
    (no name, a bad or missing ID number, no date left, impossible dates); a doubtful
    optional value is left out with a warning."""
    row, cells = start_row(line, cells, formulas, COLUMNS, TEXT_LIMITS)
    if row.status == "blank":
        return row
    out = row.values
    parsed = parse_id_number(row, cells, today)
    if parsed is None:
        out["id_number"] = None
        if not any(e.field == "id_number" for e in row.errors):
            row.error("id_number", N_("缺少身份证号码"))
    else:
        out.update(id_number=parsed.number, birth_date=parsed.birth_date, sex=parsed.sex)
    _destination(row, cells)
    _optional(row, cells)
    _dates(row, cells, today)
    if formulas:
        first_error_per_field(row)
    return row


def _destination(row: Row, cells: dict) -> None:
    """A division code column wins; otherwise the text is matched to a division, the rest
    of it kept as the free address."""
    out = row.values
    written = values.text(cells.get("destination"))
    if len(written) > DEST_LIMIT:
        row.error("destination", Message(N_("“%(field)s”超过 %(n)d 个字"), field=COLUMNS.by_key["destination"].label,
                                         n=DEST_LIMIT))
        written = ""
    code = divisions.normalise_code(values.compact(cells.get("dest_area_code")))
    rest = written
    if code and divisions.get(code) is None:
        row.warn("dest_area_code", Message(N_("流入地区划代码 %(code)s 不存在，未导入"), code=code[:12]))
        code = ""
    if not code and written:
        matched, rest = divisions.match_address(written)
        code = matched or ""
        if not matched:
            row.warn("destination", N_("流入地未能对应到行政区划，按文字地址登记（“四知”缺流入地）"))
        elif len(matched) < 9:
            row.warn("destination", Message(N_("流入地只对应到%(name)s，未到乡镇街道"), name=divisions.full_name(matched)))
    out["dest_area_code"] = code or None
    out["dest_address"] = rest.strip() or None


def _optional(row: Row, cells: dict) -> None:
    read_each(row, cells, ("phone", "home_phone"), values.mobile, error=False, note=PHONE_LEFT_OUT)
    read_each(row, cells, ("reason",), lambda v: values.code("reason_for_coming", v), error=False)


def _dates(row: Row, cells: dict, today: dt.date) -> None:
    out = row.values
    read_each(row, cells, ("left_on", "expected_return"), values.date, error=True)
    problems = outflow.absence_problems(out.get("left_on"), today, out.get("expected_return"),
                                        born=out.get("birth_date"))
    for key, message in problems.items():
        if not any(e.field == key for e in row.errors):
            row.error(key, message)
