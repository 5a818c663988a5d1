"""The import template and a sample ledger with the damage real ledgers have.

The sample is what a community office sends: a title above the header, a repeated
header, a blank row, identity numbers with a lower-case x, in full-width digits, in the
old 15-digit form, stored as a number (digits lost), masked or mistyped, dates in four
ways, phones with spaces and a landline, a person listed twice, a row without a name,
a child without a number. Its dry run shows each kind of problem once.
"""
from __future__ import annotations

import datetime as dt

from ...domain import ledger_columns
from ...domain.clock import local_today
from ...domain.idcard import make_id_number
from ...domain.text import N_

TEMPLATE_FIELDS = ("name", "id_number", "sex", "ethnicity", "phone", "hukou_address", "address", "room",
                   "arrived_on", "reason_for_coming", "occupation", "employer", "collected_at")

# What the second sheet of the template says about each column.
TEMPLATE_NOTES = {
    "name": N_("必填"),
    "id_number": N_("必填（婴幼儿无号码可空，但须填出生日期和性别）；请把此列设为“文本”格式，否则 18 位号码会丢失后几位"),
    "sex": N_("男 / 女；有身份证号时按号码"),
    "ethnicity": N_("如：汉族"),
    "phone": N_("11 位手机号码"),
    "hukou_address": N_("户籍地详细地址"),
    "address": N_("现住址：同一网格中地址相同的人登记在同一住所"),
    "room": N_("可空"),
    "arrived_on": N_("日期，如 2026-05-01、2026.5.1、2026年5月1日"),
    "reason_for_coming": N_("如：务工、经商、投靠亲友"),
    "occupation": N_("可空"),
    "employer": N_("可空"),
    "collected_at": N_("上门采集的日期；不填即为导入时"),
    "grid": N_("可空：不填时导入到页面上选择的网格；填写时写网格编码"),
}


def template_headers() -> list[str]:
    """Untranslated header labels (the view translates them)."""
    return [ledger_columns.BY_KEY[k].label for k in TEMPLATE_FIELDS]


def _with_check(region: str, born: dt.date, last: str) -> str:
    """A valid number whose check character is ``last`` (the sample needs an X)."""
    for seq in range(1, 1000):
        number = make_id_number(region, born, seq)
        if number.endswith(last):
            return number
    raise AssertionError(last)


SAMPLE_PREAMBLE = ("西湖区北山街道文一社区流动人口登记台账", "填报单位：文一社区居委会　　　填报日期：2026年11月")
SAMPLE_HEADERS = ("序号", "姓名", "性别", "公民身份号码", "出生日期", "联系电话", "户籍地址", "现住址", "来本地日期", "备注")


def sample_rows(today: dt.date | None = None) -> list[tuple]:
    today = today or local_today()
    with_x = _with_check("341202", dt.date(1988, 7, 9), "X")
    good = make_id_number("341202", dt.date(1990, 3, 15), 131)
    wife = make_id_number("341202", dt.date(1992, 8, 1), 222)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in make_id_number("412702", dt.date(1985, 11, 30), 517))
    legacy = "513021" + "760412" + "392"   # 15 digits: born 1976-04-12 in 达县 (a retired code)
    as_number = float(make_id_number("360102", dt.date(1995, 1, 20), 355))
    bad_check = make_id_number("430104", dt.date(1993, 6, 6), 471)
    bad_check = bad_check[:-1] + ("0" if bad_check[-1] != "0" else "1")
    future = f"{today.year + 1}-01-01"
    rows = [
        (1, "张伟", "男", good, "138 0013 8001", "安徽省阜阳市颍州区清河路 12 号", "文一路 100 号 3 幢", "2025.3.1", ""),
        (2, "李娜", "女", wife, "138-0013-8002", "安徽省阜阳市颍州区清河路 12 号", "文一路 100 号 3 幢", "2025年3月1日", "张伟之妻"),
        (3, "王强", "男", with_x.lower(), "13800138003", "安徽省阜阳市颍州区文峰街道", "文一路 102 号", 45748, "号码末位小写 x"),
        (4, "赵敏", "女", wide, "13800138004", "河南省周口市川汇区", "学院路 8 号 2 单元", "20250402", "全角数字"),
        (5, "刘洋", "男", legacy, "13800138005", "四川省达州市达川区", "学院路 8 号 2 单元", "2025-04-05", "15 位旧号码"),
        (6, "陈静", "女", as_number, "13800138006", "江西省南昌市东湖区", "文一路 102 号", "2025-05-01", "号码被存成数字"),
        (7, "杨帆", "男", "3.60102E+17", "13800138007", "江西省南昌市东湖区", "文一路 102 号", "2025-05-01", "科学计数法"),
        (8, "黄磊", "男", bad_check, "13800138008", "湖南省长沙市芙蓉区", "教工路 5 号", "2025-05-10", "抄错一位"),
        ("", "", "", "", "", "", "", "", ""),
        ("序号", "姓名", "性别", "公民身份号码", "联系电话", "户籍地址", "现住址", "来本地日期", "备注"),  # repeated header
        (9, "张伟", "男", good, "138 0013 8001", "安徽省阜阳市颍州区清河路 12 号", "文一路 100 号 3 幢", "2025.3.1", "重复登记"),
        (10, "", "女", make_id_number("420102", dt.date(1999, 9, 9), 88), "13800138010", "湖北省武汉市江岸区", "教工路 5 号", "2025-06-01", "缺姓名"),
        (11, "周杰", "男", make_id_number("420102", dt.date(1987, 2, 2), 99), "0571-88001234", "湖北省武汉市江岸区", "教工路 5 号", "2025-06-01", "座机"),
        (12, "吴芳", "女", make_id_number("520102", dt.date(1996, 12, 12), 128), "13800138012", "贵州省贵阳市南明区", "古墩路 66 号", future, "来本地日期在未来"),
        (13, "张小宝", "男", "", "", "安徽省阜阳市颍州区清河路 12 号", "文一路 100 号 3 幢", "2025.3.1", "张伟之子，无身份证号"),
        (14, "孙丽", "女", "330106********1234", "13800138014", "浙江省杭州市", "古墩路 66 号", "2025-07-01", "号码已打码"),
    ]
    # Only the child without a number needs its birth date (the others' is in the number).
    out = []
    for row in rows:
        born = "出生日期" if row[0] == "序号" else ("2019.2.1" if row[1] == "张小宝" else "")
        out.append(row[:4] + (born,) + row[4:])
    return out
