"""Cell values of people ledgers, as Excel, WPS and hand-typed CSV files hold them.

Every reader returns a clean value or raises ``BadValue`` with a message for the row's
error list. What they survive: full-width digits, letters and spaces (NFKC), Excel's
leading apostrophe, numbers where text was meant, dates as serial numbers or in any of
the usual written forms, phone numbers with spaces and dashes, labels instead of codes.

An 18-digit identity number that went through a spreadsheet as a *number* has lost its
last digits (Excel keeps 15 significant digits: ``3.30106E+17``). Such a value is never
"repaired" or imported: it is reported, so that someone re-types it from the card.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from . import choices
from .idcard import InvalidIdNumber, parse_id_number
from .phone import InvalidPhone, normalise_mobile
from .text import Message, N_


class BadValue(ValueError):
    def __init__(self, message: str | Message):
        super().__init__(str(message))
        self.message = message if isinstance(message, Message) else Message(message)


_SPACES = re.compile(r"\s+")


def text(value) -> str:
    """Any cell as trimmed text: NFKC (full-width → ASCII), runs of spaces made one,
    whole numbers without ``.0``, Excel's text apostrophe dropped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):  # NaN, infinities
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    out = str(value)
    if not out.isascii() and not unicodedata.is_normalized("NFKC", out):
        out = unicodedata.normalize("NFKC", out)
    out = out.replace("\x00", "").strip()
    if "  " in out or not out.isprintable():  # tabs, line breaks, runs of spaces
        out = _SPACES.sub(" ", out)
    return out[1:].strip() if out.startswith("'") else out


def compact(value) -> str:
    """``text`` without any spaces (identity, phone and code columns)."""
    return text(value).replace(" ", "")


# --- identity numbers -----------------------------------------------------------------

_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
AS_NUMBER = N_("身份证号被存成了数字（%(value)s），后几位已丢失：请把该列设为“文本”格式，按证件重新填写")


def _as_number(value) -> BadValue:
    """The row's own value as Excel shows it (``3.30106E+17``), so the user finds the cell."""
    shown = str(value)
    if isinstance(value, (int, float)) and value == value and abs(value) != float("inf"):  # not NaN, not infinite
        mantissa, exponent = f"{value:.5E}".split("E")
        shown = f"{mantissa.rstrip('0').rstrip('.')}E+{int(exponent)}"
    return BadValue(Message(AS_NUMBER, value=shown[:20]))


def id_number(value, today: dt.date | None = None):
    """The 18-character number, or ``None`` for an empty cell; ``BadValue`` otherwise."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value or abs(value) >= 1e15 or float(value) != int(value):
            # 16 or more digits never survive a float (Excel keeps 15 significant ones).
            raise _as_number(value)
        raw = str(int(value))  # a 15-digit legacy number is exact as a number
    else:
        raw = compact(value).replace("-", "")
    if not raw:
        return None
    if _SCIENTIFIC.match(raw):
        raise _as_number(raw)
    if "*" in raw:
        raise BadValue(N_("身份证号已打码（含 *），无法导入：请使用完整号码"))
    try:
        return parse_id_number(raw, today)
    except InvalidIdNumber as exc:
        raise BadValue(exc.message) from None


# --- dates ----------------------------------------------------------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 (with Excel's leap-year bug past 60)
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})[-./年](\d{1,2})月?()$"),  # a month only (出生年月, 来本地年月): its first day
)


def _make_date(y: int, m: int, d: int, shown: str) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise BadValue(Message(N_("日期 %(value)s 不存在"), value=shown)) from None


def date(value):
    """A date from a date cell, an Excel serial number, ``20230501``, ``2023.5.1``,
    ``2023-05-01``, ``2023/5/1``, ``2023年5月1日`` or ``2023.5`` (first of the month)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value:
            return None
        number = float(value)
        if number.is_integer() and 19000101 <= number <= 21001231:
            digits = str(int(number))
            return _make_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]), digits)
        if 1 <= number < 80000:  # serials up to the year 2119
            return EXCEL_EPOCH + dt.timedelta(days=int(number))
        raise BadValue(Message(N_("无法识别的日期：%(value)s"), value=text(value)))
    raw = _TIME.sub("", text(value)).replace(" ", "")  # a time of day after the date is dropped
    if not raw:
        return None
    if re.fullmatch(r"\d{5}(\.\d+)?", raw):  # a serial number written out as text (CSV from Excel)
        return date(float(raw))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            y, m, d = match.groups()
            return _make_date(int(y), int(m), int(d or 1), raw)
    raise BadValue(Message(N_("无法识别的日期：%(value)s"), value=raw[:30]))


# --- phones, sex, code lists ------------------------------------------------------------

def mobile(value):
    """An 11-digit mobile number, or ``None`` for an empty cell."""
    raw = compact(value)
    if not raw:
        return None
    try:
        return normalise_mobile(raw.replace("—", "-"))
    except InvalidPhone as exc:
        raise BadValue(str(exc)) from None


_SEX = {"男": "M", "男性": "M", "M": "M", "MALE": "M", "1": "M",
        "女": "F", "女性": "F", "F": "F", "FEMALE": "F", "2": "F"}


def sex(value):
    raw = compact(value).upper()
    if not raw:
        return None
    if raw not in _SEX:
        raise BadValue(Message(N_("无法识别的性别：%(value)s"), value=raw[:10]))
    return _SEX[raw]


# What ledgers write instead of the standard labels.
ALIASES = {
    "ethnicity": {"汉": "01", "回": "03", "满": "11", "壮": "08", "苗": "06"},
    "marital_status": {"初婚": "married", "再婚": "married", "复婚": "married", "已婚有配偶": "married",
                       "有配偶": "married", "无配偶": "single", "离异": "divorced", "未知": "unknown"},
    "education": {"硕士": "postgraduate", "博士": "postgraduate", "研究生及以上": "postgraduate",
                  "本科": "bachelor", "大学": "bachelor", "大专": "college", "专科": "college",
                  "中专": "vocational", "中技": "vocational", "技校": "vocational", "职高": "vocational",
                  "中职": "vocational", "文盲": "none", "半文盲": "none", "不识字": "none", "高中及中专": "senior"},
    "reason_for_coming": {"打工": "work", "务工经商": "work", "工作": "work", "就业": "work", "做生意": "business",
                          "上学": "student", "读书": "student", "就医": "medical", "投亲": "join_relatives",
                          "投亲靠友": "join_relatives", "随迁": "join_relatives", "探亲访友": "visit_family"},
    "expected_stay": {"一个月以内": "lt1m", "1个月以下": "lt1m", "1-3个月": "1to3m", "一至三月": "1to3m",
                      "3-6个月": "3to6m", "三至六月": "3to6m", "半年以上": "6to12m", "6-12个月": "6to12m",
                      "半年至一年": "6to12m", "1年以上": "gt1y", "一年以上": "gt1y", "长期": "long",
                      "长住": "long"},
}
CODE_LISTS = {
    "ethnicity": choices.ETHNICITIES, "marital_status": choices.MARITAL_STATUS,
    "education": choices.EDUCATION, "reason_for_coming": choices.REASONS_FOR_COMING,
    "expected_stay": choices.EXPECTED_STAY,
}


def code(field: str, value):
    """A code of one of the code lists, from its label (Chinese), an alias or the code."""
    raw = compact(value)
    if not raw:
        return None
    options = CODE_LISTS[field]
    by_label = {label: c for c, label in options}
    codes = choices.codes(options)
    if raw in by_label:
        return by_label[raw]
    if raw in ALIASES.get(field, {}):
        return ALIASES[field][raw]
    if field == "ethnicity":
        if raw.isdigit() and f"{int(raw):02d}" in codes:
            return f"{int(raw):02d}"
        if raw + "族" in by_label:
            return by_label[raw + "族"]
    if raw.lower() in codes:
        return raw.lower()
    raise BadValue(Message(N_("无法识别的取值：%(value)s"), value=raw[:20]))
