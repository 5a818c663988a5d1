"""Which row of a ledger is its header, and which column holds which field.

Ledgers start with title rows (often merged across the sheet), a date line, sometimes
a blank row; their headers say the same thing in many ways (身份证号 / 公民身份号码 /
证件号码（18位）). The header is the row among the first ``SCAN_ROWS`` that names the
most known fields; each header name is matched after dropping spaces, brackets and
their contents, asterisks and colons. The user can correct the result.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .ledger_values import text
from .text import Message, N_


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # the template's header and the mapping page's name for it
    names: tuple[str, ...]  # other header names that mean this field
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field("name", N_("姓名"), ("名字", "人员姓名", "流动人口姓名", "name"), required=True),
    Field("id_number", N_("身份证号码"), ("身份证号", "公民身份号码", "公民身份证号", "公民身份证号码", "证件号码",
                                       "证件号", "身份证", "身份号码", "居民身份证号码", "身份证件号码",
                                       "id number", "id card number")),
    Field("sex", N_("性别"), ("sex", "gender")),
    Field("birth_date", N_("出生日期"), ("出生年月", "出生年月日", "生日", "date of birth", "birth date")),
    Field("ethnicity", N_("民族"), ("ethnicity", "ethnic group")),
    Field("phone", N_("手机号码"), ("联系电话", "手机", "手机号", "电话", "联系方式", "联系手机", "电话号码",
                                 "mobile", "mobile number", "phone")),
    Field("hukou_area_code", N_("户籍地区划代码"), ("户籍地代码", "户籍区划代码", "户籍地行政区划代码", "hukou area code")),
    Field("hukou_address", N_("户籍详细地址"), ("户籍地址", "户籍地", "户籍详址", "户口所在地", "户籍所在地",
                                          "户籍所在地址", "household address", "hukou address")),
    Field("address", N_("现住址"), ("现住所", "现居住地址", "现住地址", "居住地址", "暂住地址", "现居住地", "住址",
                                 "居住地", "住所地址", "current address", "address")),
    Field("room", N_("房间号"), ("房号", "房间", "room", "room number")),
    Field("grid", N_("网格"), ("网格编码", "网格代码", "所属网格", "网格编号", "grid")),
    Field("marital_status", N_("婚姻状况"), ("婚否", "婚姻", "marital status")),
    Field("education", N_("文化程度"), ("学历", "education")),
    Field("occupation", N_("职业"), ("工种", "occupation")),
    Field("employer", N_("工作单位"), ("服务处所", "就业单位", "单位", "务工单位", "工作单位名称", "employer")),
    Field("reason_for_coming", N_("来本地原因"), ("流入原因", "来由", "来本地事由", "暂住事由", "reason for coming")),
    Field("arrived_on", N_("来本地日期"), ("来本地时间", "流入时间", "流入日期", "来现居住地日期", "到达日期",
                                      "入住日期", "居住起始日期", "date of arrival", "arrived on")),
    Field("expected_stay", N_("预计居住期限"), ("拟居住期限", "居住期限", "拟暂住期限", "expected stay", "expected length of stay")),
    Field("collected_at", N_("信息采集时间"), ("登记日期", "登记时间", "采集日期", "采集时间", "填报日期",
                                         "collected at")),
    Field("landlord_name", N_("房东姓名"), ("房东", "出租人", "房主", "房主姓名", "出租人姓名", "landlord", "landlord's name")),
    Field("landlord_phone", N_("房东手机"), ("房东电话", "出租人电话", "房主电话", "房东联系电话",
                                         "landlord phone", "landlord's mobile")),
)
SCAN_ROWS = 30

_BRACKETS = re.compile(r"[(（\[【].*?[)）\]】]")
_NOISE = re.compile(r"[\s*＊:：.。、/\\_\-]")


def header_key(cell) -> str:
    """A header cell reduced to what matters: ``证件号码（18位）*`` → ``证件号码``."""
    name = _BRACKETS.sub("", text(cell))
    return _NOISE.sub("", name).lower()


class Columns:
    """The fields of one kind of ledger (people, outflow) and the header names that mean
    each; every ledger needs the name and the identity number."""

    REQUIRED = ("name", "id_number")

    def __init__(self, fields: tuple[Field, ...]):
        self.fields = fields
        self.by_key = {f.key: f for f in fields}
        self._known = {header_key(name): f.key for f in fields for name in (f.label, *f.names)}

    def field_for(self, cell) -> str | None:
        return self._known.get(header_key(cell))

    def find_header(self, rows: list[list]) -> int | None:
        """Index of the header row: the first row naming the most fields (at least two,
        one of them the name or the identity number); ``None`` if there is none."""
        return self._best_header(rows)[0]

    def header_score(self, rows: list[list]) -> int:
        """How many fields the header row of ``rows`` names (0 without a header): the sheet
        with the highest score is the ledger, whatever sheets stand before it."""
        return self._best_header(rows)[1]

    def _best_header(self, rows: list[list]) -> tuple[int | None, int]:
        best, best_score = None, 1
        for i, row in enumerate(rows[:SCAN_ROWS]):
            keys = {self.field_for(c) for c in row} - {None}
            if len(keys) > best_score and keys & set(self.REQUIRED):
                best, best_score = i, len(keys)
        return best, (best_score if best is not None else 0)

    def auto_mapping(self, header: list) -> dict[int, str]:
        """Column index → field key for every header cell with a known name (first wins)."""
        mapping: dict[int, str] = {}
        for i, cell in enumerate(header):
            key = self.field_for(cell)
            if key and key not in mapping.values():
                mapping[i] = key
        return mapping

    def check_mapping(self, mapping: dict[int, str]) -> list[Message]:
        """Why a mapping cannot work, as messages for the page (empty when it can)."""
        problems = []
        keys = list(mapping.values())
        for required in self.REQUIRED:
            if required not in keys:
                problems.append(Message(N_("请指定“%(field)s”所在的列"), field=self.by_key[required].label))
        for key in sorted({k for k in keys if keys.count(k) > 1}):
            problems.append(Message(N_("“%(field)s”对应了多列，请只选一列"), field=self.by_key[key].label))
        return problems


PEOPLE = Columns(FIELDS)
BY_KEY = PEOPLE.by_key
field_for = PEOPLE.field_for
find_header = PEOPLE.find_header
header_score = PEOPLE.header_score
auto_mapping = PEOPLE.auto_mapping
check_mapping = PEOPLE.check_mapping
