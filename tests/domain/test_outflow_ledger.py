"""An outflow ledger's headers and rows, and destinations written as text matched to divisions."""
import datetime as dt

import pytest

from app.domain import divisions, outflow_ledger
from app.domain.idcard import make_id_number

TODAY = dt.date(2026, 6, 1)
NUMBER = make_id_number("330106", dt.date(1985, 3, 2), 31)


@pytest.mark.parametrize("text, code, rest", [
    ("广东省深圳市南山区粤海街道科技园路 1 号", "440305007", "科技园路 1 号"),
    ("广东深圳南山区粤海街道", "440305007", ""),
    ("深圳市南山区", "440305", ""),  # no province: the city is the only one of its name
    ("北京市朝阳区望京街道", "110105026", ""),  # 市辖区 looked through
    ("朝阳区三里屯", None, "朝阳区三里屯"),  # two 朝阳区 (北京, 长春): not guessed
    ("某建筑工地", None, "某建筑工地"),
    ("", None, ""),
])
def test_destination_text_matched_to_the_deepest_division(text, code, rest):
    assert divisions.match_address(text) == (code, rest)


def test_the_ledger_s_own_header_names():
    header = ["序号", "姓名", "公民身份号码", "离开日期", "外出地址", "外出原因", "职业", "在外联系电话", "家中联系人",
              "家中联系电话", "预计返回日期", "网格"]
    mapping = outflow_ledger.COLUMNS.auto_mapping(header)
    assert list(mapping.values()) == ["name", "id_number", "left_on", "destination", "reason", "occupation", "phone",
                                      "home_contact", "home_phone", "expected_return", "grid"]
    assert outflow_ledger.COLUMNS.find_header([["流出人口台账"], header]) == 1
    assert [m.template for m in outflow_ledger.COLUMNS.check_mapping({0: "name"})] == ["请指定“%(field)s”所在的列"]


def read(**cells):
    return outflow_ledger.read_row(5, {"name": "赵一", "id_number": NUMBER, "left_on": "2026-01-02", **cells}, TODAY)


def test_a_good_row_and_its_values():
    row = read(left_on=46024, destination="浙江省杭州市西湖区北山街道 宝石山下", reason="打工", phone="138 0013 8000",
               expected_return="2026年12月1日")
    assert row.status == "ready" and not row.errors and not row.warnings, row
    v = row.values
    assert (v["left_on"], v["dest_area_code"], v["dest_address"], v["reason"], v["phone"], v["birth_date"]) == (
        dt.date(2026, 1, 2), "330106002", "宝石山下", "work", "13800138000", dt.date(1985, 3, 2))


@pytest.mark.parametrize("cells, field, status", [
    ({"id_number": ""}, "id_number", "error"),
    ({"id_number": NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")}, "id_number", "error"),
    ({"left_on": ""}, "left_on", "error"),
    ({"left_on": "2027-01-01"}, "left_on", "error"),
    ({"left_on": "1980-01-01"}, "left_on", "error"),  # before birth
    ({"expected_return": "2025-01-01"}, "expected_return", "error"),
    ({"phone": "0571-8888888"}, "phone", "ready"),  # a landline: left out, said
    ({"reason": "看风景"}, "reason", "ready"),
    ({"destination": "某工地"}, "destination", "ready"),
    ({"dest_area_code": "999999"}, "dest_area_code", "ready"),
])
def test_what_keeps_a_row_out_and_what_is_only_said(cells, field, status):
    row = read(**cells)
    assert row.status == status and field in {i.field for i in row.errors + row.warnings}, row


def test_blank_and_repeated_header_rows_are_skipped():
    assert outflow_ledger.read_row(3, {"name": None, "id_number": " "}, TODAY).status == "blank"
    assert outflow_ledger.read_row(3, {"name": "姓名", "id_number": "身份证号"}, TODAY).status == "blank"
