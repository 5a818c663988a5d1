"""A ledger's data rows as people to register: values checked, errors and warnings per row.

A row with an *error* is not imported (the user fixes it in the file and imports the
file again: rows already imported count as duplicates, so nothing doubles). A *warning*
imports the row without the doubtful value (a landline where a mobile is expected, an
unknown label) or with the value the identity number gives (sex, birth date).

The rules are the registration form's: an identity number (GB 11643, 15-digit numbers
converted) or, for a child without one, birth date and sex; dates not in the future and
not before birth. Rows in the database are checked by the service; rows repeated within
the file are caught here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import divisions
from . import ledger_values as values
from .ledger_columns import PEOPLE, Columns
from .text import Message, N_

CODE_FIELDS = ("ethnicity", "marital_status", "education", "reason_for_coming", "expected_stay")
TEXT_LIMITS = {"name": 64, "hukou_address": 200, "address": 200, "room": 20, "occupation": 64,
               "employer": 100, "grid": 64, "landlord_name": 64}


@dataclass(frozen=True)
class Issue:
    field: str | None  # a key of ``ledger_columns.FIELDS``, or None for the whole row
    message: Message


@dataclass
class Row:
    line: int  # the row number Excel shows (1-based)
    values: dict = field(default_factory=dict)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    status: str = "ready"  # ready, error, duplicate (registered), repeat (in the file), blank

    def error(self, key: str | None, message, status: str = "error") -> None:
        self.errors.append(Issue(key, message if isinstance(message, Message) else Message(message)))
        if self.status == "ready":
            self.status = status

    def warn(self, key: str | None, message) -> None:
        self.warnings.append(Issue(key, message if isinstance(message, Message) else Message(message)))


def _is_blank(cells: dict) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) or values.text(v) == "" for v in cells.values())


def _is_repeated_header(cells: dict, columns: Columns) -> bool:
    """Printed ledgers repeat the header on every page; pasted together, it reappears."""
    if columns.field_for(cells.get("name")) != "name" and columns.field_for(cells.get("id_number")) != "id_number":
        return False  # the usual row, decided with two look-ups
    return sum(1 for key, v in cells.items() if columns.field_for(v) == key) >= 2


def start_row(line: int, cells: dict, formulas: dict[str, bool] | None, columns: Columns,
              limits: dict[str, int]) -> tuple[Row, dict]:
    """The row and the cells left to read, any kind of ledger: formulas dealt with, a
    blank or repeated header row marked "blank" (nothing more to read), else the free
    texts read (``limits``) and the name required."""
    row = Row(line)
    if formulas:
        cells = _formula_cells(row, cells, formulas, columns)
    if _is_blank(cells) or _is_repeated_header(cells, columns):
        row.status = "blank"
        row.errors.clear()
        row.warnings.clear()
        return row, cells
    read_texts(row, cells, limits, columns)
    if not row.values.get("name"):
        row.error("name", N_("缺少姓名"))
    return row, cells


def read_texts(row: Row, cells: dict, limits: dict[str, int], columns: Columns) -> None:
    """The free-text fields, each within its length."""
    for key, limit in limits.items():
        text = values.text(cells.get(key))
        if len(text) > limit:
            row.error(key, Message(N_("“%(field)s”超过 %(n)d 个字"), field=columns.by_key[key].label, n=limit))
        row.values[key] = text or None


PHONE_LEFT_OUT = N_("%(problem)s，该号码未导入")


def read_each(row: Row, cells: dict, keys: tuple[str, ...], reader, *, error: bool, note: str | None = None) -> None:
    """Each of ``keys`` read with ``reader``; a bad value is left out with an error (the
    row is not imported) or a warning (``note`` says it around the reader's message)."""
    for key in keys:
        try:
            row.values[key] = reader(cells.get(key))
        except values.BadValue as exc:
            row.values[key] = None
            message = Message(note, problem=exc.message) if note else exc.message
            (row.error if error else row.warn)(key, message)


def first_error_per_field(row: Row) -> None:
    """A formula refused says why; the checks of the empty value after it add nothing."""
    seen: set = set()
    row.errors = [e for e in row.errors if not (e.field in seen or seen.add(e.field))]


# Fields that say who a person is: a formula there (a reference, a lookup) is refused, as
# its value can change with the sheet around it, or was never computed.
IDENTITY_FIELDS = ("name", "id_number", "birth_date", "sex")


def read_row(line: int, cells: dict, today: dt.date, formulas: dict[str, bool] | None = None) -> Row:
    """``cells`` maps field keys to the raw cell values of one row; ``formulas`` the keys
    of the cells that hold a formula, to whether the file keeps its computed value."""
    row, cells = start_row(line, cells, formulas, PEOPLE, TEXT_LIMITS)
    if row.status == "blank":
        return row
    _identity(row, cells, today)
    _optional(row, cells)
    _dates(row, cells, today)
    if formulas:
        first_error_per_field(row)
    return row


def _formula_cells(row: Row, cells: dict, formulas: dict[str, bool], columns: Columns) -> dict:
    """Identity fields holding a formula are refused; elsewhere a formula's computed value
    is used, and one never computed is said to be missing for that reason."""
    cells = dict(cells)
    for key, cached in formulas.items():
        if key not in cells:
            continue
        label = columns.by_key[key].label
        if key in IDENTITY_FIELDS:
            row.error(key, Message(N_("“%(field)s”单元格是公式，不是填写的内容：请改为直接填写"), field=label))
            cells[key] = None
        elif not cached:
            row.warn(key, Message(N_("“%(field)s”单元格是公式，文件里没有它的计算结果：请在 Excel 中打开并保存后再导入"),
                                  field=label))
            cells[key] = None
    return cells


def parse_id_number(row: Row, cells: dict, today: dt.date):
    """The row's parsed identity number; None for an empty cell, or a bad one (said)."""
    try:
        return values.id_number(cells.get("id_number"), today)
    except values.BadValue as exc:
        row.error("id_number", exc.message)
        return None


def _identity(row: Row, cells: dict, today: dt.date) -> None:
    out = row.values
    parsed = parse_id_number(row, cells, today)
    typed_sex = typed_birth = None
    try:
        typed_sex = values.sex(cells.get("sex"))
    except values.BadValue as exc:
        row.warn("sex", exc.message)
    try:
        typed_birth = values.date(cells.get("birth_date"))
    except values.BadValue as exc:
        row.warn("birth_date", exc.message)
    if parsed is not None:
        out["id_number"], out["birth_date"], out["sex"] = parsed.number, parsed.birth_date, parsed.sex
        if typed_sex and typed_sex != parsed.sex:
            row.warn("sex", N_("性别与身份证号不符，已按身份证号填写"))
        if typed_birth and typed_birth != parsed.birth_date:
            row.warn("birth_date", N_("出生日期与身份证号不符，已按身份证号填写"))
        if divisions.status(parsed.region_code) is divisions.CodeStatus.UNKNOWN:
            row.warn("id_number", N_("身份证号的地址码不在区划数据中，请核对"))
        return
    out["id_number"] = None
    out["sex"], out["birth_date"] = typed_sex, typed_birth
    if values.text(cells.get("id_number")) == "" and not row.errors:
        # A child without a number is registered as the form allows: birth date and sex.
        if not typed_birth or not typed_sex:
            row.error("id_number", N_("缺少身份证号码（无身份证号时须填写出生日期和性别）"))
        elif typed_birth > today:
            row.error("birth_date", N_("出生日期在未来"))


def _optional(row: Row, cells: dict) -> None:
    out = row.values
    read_each(row, cells, ("phone", "landlord_phone"), values.mobile, error=False, note=PHONE_LEFT_OUT)
    for key in CODE_FIELDS:
        try:
            out[key] = values.code(key, cells.get(key))
        except values.BadValue as exc:
            out[key] = None
            row.warn(key, exc.message)
    code = values.compact(cells.get("hukou_area_code"))
    out["hukou_area_code"] = None
    if code:
        code = divisions.normalise_code(code)
        status = divisions.status(code)
        if status is divisions.CodeStatus.UNKNOWN:
            row.error("hukou_area_code", Message(N_("户籍地区划代码 %(code)s 不存在"), code=code[:12]))
        else:
            out["hukou_area_code"] = code
            if status is divisions.CodeStatus.RETIRED:
                row.warn("hukou_area_code", Message(N_("户籍地区划代码 %(code)s 为已撤销的区划（%(name)s），按原代码登记"),
                                                    code=code, name=divisions.full_name(code)))
    elif out.get("id_number"):
        # As the registration form does: the household place the number's address code names;
        # an old code that was retired is kept as it is, and said (the quality monitor lists it).
        region = out["id_number"][:6]
        status = divisions.status(region)
        if status is not divisions.CodeStatus.UNKNOWN:
            out["hukou_area_code"] = region
        if status is divisions.CodeStatus.RETIRED:
            row.warn("hukou_area_code", Message(N_("身份证号的地址码 %(code)s 为已撤销的区划（%(name)s），户籍地按原代码登记"),
                                                code=region, name=divisions.full_name(region)))
    if out.get("landlord_name") and not out.get("landlord_phone"):
        row.warn("landlord_name", N_("房东没有有效手机号码，未登记房东"))


def _dates(row: Row, cells: dict, today: dt.date) -> None:
    out = row.values
    read_each(row, cells, ("arrived_on", "collected_at"), values.date, error=True)
    born, arrived, collected = out.get("birth_date"), out.get("arrived_on"), out.get("collected_at")
    if arrived and arrived > today:
        row.error("arrived_on", N_("来本地日期不能在未来"))
    elif arrived and born and arrived < born:
        row.error("arrived_on", N_("来本地日期早于出生日期"))
    if collected and collected > today:
        row.error("collected_at", N_("采集日期不能在未来"))


def mark_repeats(rows: list[Row]) -> None:
    """The second and later rows of the same person (same identity number, or for rows
    without one the same name and birth date) are duplicates of the first."""
    first: dict[tuple, int] = {}
    for row in rows:
        if row.status == "blank":
            continue
        v = row.values
        key = ("id", v["id_number"]) if v.get("id_number") else (
            ("nb", v.get("name"), v.get("birth_date")) if v.get("name") and v.get("birth_date") else None)
        if key is None:
            continue
        if key in first:
            row.error("id_number" if key[0] == "id" else "name",
                      Message(N_("与第 %(line)d 行是同一人"), line=first[key]), status="repeat")
        else:
            first[key] = row.line
