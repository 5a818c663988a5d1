"""Reading damaged people ledgers: files, headers, cell values, rows."""
import csv
import datetime as dt
import io

import openpyxl
import pytest
import xlwt

from app.domain import ledger_columns as columns
from app.domain import ledger_file, ledger_rows
from app.domain import ledger_values as values
from app.domain.idcard import make_id_number

TODAY = dt.date(2026, 6, 1)
GOOD = make_id_number("330106", dt.date(1990, 1, 1), 123)   # 33010619900101123X-style
LEGACY = "330106900101123"                                     # 15 digits, born 1990-01-01


# --- values ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [GOOD, GOOD.lower(), f" {GOOD} ", "'" + GOOD,
                                 "".join(chr(ord(c) + 0xFEE0) for c in GOOD),  # full-width
                                 GOOD[:6] + "\u3000" + GOOD[6:], GOOD[:6] + " " + GOOD[6:14] + " " + GOOD[14:]])
def test_id_numbers_survive_usual_damage(raw):
    assert values.id_number(raw, TODAY).number == GOOD


def test_fifteen_digit_numbers_convert_also_when_stored_as_numbers():
    assert values.id_number(LEGACY, TODAY).number.startswith("33010619900101123")
    assert values.id_number(float(LEGACY), TODAY).number == values.id_number(LEGACY, TODAY).number


@pytest.mark.parametrize("raw", [3.30106e17, 330106199001011234.0, "3.30106E+17", "3.30106e17", 1234567890123456.0])
def test_id_numbers_stored_as_numbers_are_refused_never_repaired(raw):
    with pytest.raises(values.BadValue) as exc:
        values.id_number(raw, TODAY)
    assert "数字" in str(exc.value)


@pytest.mark.parametrize("raw,word", [("330106********123X", "打码"), (GOOD[:-1] + "0" if GOOD[-1] != "0" else GOOD[:-1] + "1", "校验位"),
                                      ("12345", "18 位"), ("33010619901301123X", "日期")])
def test_bad_id_numbers_say_why(raw, word):
    with pytest.raises(values.BadValue) as exc:
        values.id_number(raw, TODAY)
    assert word in str(exc.value)


def test_empty_id_is_none():
    assert values.id_number("", TODAY) is None and values.id_number(None, TODAY) is None


@pytest.mark.parametrize("raw", [dt.date(2023, 5, 1), dt.datetime(2023, 5, 1, 10, 30), 45047, 45047.0, "45047",
                                 "2023.5.1", "2023-05-01", "2023/5/1", "2023年5月1日", "20230501", 20230501,
                                 "２０２３年５月１日", "2023-05-01 10:00:00", " 2023.05.01 "])
def test_dates_in_every_usual_form(raw):
    assert values.date(raw) == dt.date(2023, 5, 1)


def test_month_only_is_its_first_day():
    assert values.date("2023.5") == dt.date(2023, 5, 1)
    assert values.date("2023年5月") == dt.date(2023, 5, 1)


@pytest.mark.parametrize("raw", ["2023.2.30", "昨天", "5/1/23", "2023-13-01", -5, 10**9])
def test_impossible_dates_are_errors(raw):
    with pytest.raises(values.BadValue):
        values.date(raw)


@pytest.mark.parametrize("raw", ["138 0013 8000", "138-0013-8000", "+86 13800138000", 13800138000.0,
                                 "１３８００１３８０００", "(+86)138-0013-8000"])
def test_mobile_numbers(raw):
    assert values.mobile(raw) == "13800138000"


def test_landline_is_refused_as_mobile():
    with pytest.raises(values.BadValue):
        values.mobile("0571-88001234")


def test_labels_and_aliases_become_codes():
    assert values.code("ethnicity", "汉") == "01" and values.code("ethnicity", "汉族") == "01"
    assert values.code("ethnicity", "1") == "01" and values.code("ethnicity", "蒙古") == "02"
    assert values.code("education", "大专") == "college"
    assert values.code("marital_status", "初婚") == "married"
    assert values.code("reason_for_coming", "务工") == "work"
    assert values.code("expected_stay", "一年以上") == "gt1y"
    with pytest.raises(values.BadValue):
        values.code("education", "火星学院")


def test_sex_words():
    assert values.sex("男") == "M" and values.sex("女性") == "F" and values.sex(" f ") == "F"
    with pytest.raises(values.BadValue):
        values.sex("未知")


# --- headers --------------------------------------------------------------------------

def test_header_names_that_vary():
    for name in ("身份证号", "公民身份号码", "证件号码（18位）", "*身份证号码", "身份证号码:", " 证件 号码 "):
        assert columns.field_for(name) == "id_number", name
    assert columns.field_for("联系电话") == "phone"
    assert columns.field_for("户籍地址") == "hukou_address"
    assert columns.field_for("现住址") == "address"
    assert columns.field_for("序号") is None


def test_header_row_is_found_below_title_rows():
    rows = [["西湖区北山街道流动人口登记台账"] * 6, ["填报单位：文一社区", "", "", "日期：2026年5月"], [],
            ["序号", "姓名", "性别", "公民身份号码", "联系电话", "现住址"], [1, "张三", "男", GOOD, "", ""]]
    header = columns.find_header(rows)
    assert header == 3
    assert columns.auto_mapping(rows[header]) == {1: "name", 2: "sex", 3: "id_number", 4: "phone", 5: "address"}


def test_no_header_row():
    assert columns.find_header([["a", "b"], [1, 2]]) is None


def test_mapping_checks():
    assert columns.check_mapping({0: "name", 1: "id_number"}) == []
    problems = columns.check_mapping({0: "name", 1: "phone", 2: "phone"})
    assert any("身份证号码" in p for p in problems) and any("手机号码" in p for p in problems)


# --- rows -----------------------------------------------------------------------------

def row(**cells):
    return ledger_rows.read_row(7, cells, TODAY)


def test_good_row_takes_birth_and_sex_from_the_number():
    r = row(name="张三", id_number=GOOD.lower(), sex="女" if GOOD[16] in "13579" else "男", phone="138 0013 8000",
            arrived_on="2025.3.1", ethnicity="汉")
    assert r.status == "ready", r.errors
    assert r.values["id_number"] == GOOD and r.values["birth_date"] == dt.date(1990, 1, 1)
    assert r.values["sex"] == ("M" if int(GOOD[16]) % 2 else "F")
    assert [w.field for w in r.warnings] == ["sex"]  # the typed sex contradicted the number
    assert r.values["phone"] == "13800138000" and r.values["hukou_area_code"] == "330106"


def test_blank_and_repeated_header_rows_are_skipped():
    assert row(name="", id_number=None, phone="  ").status == "blank"
    assert row(name="姓名", id_number="身份证号码", phone="联系电话").status == "blank"


def test_rows_with_errors():
    assert row(name="", id_number=GOOD).status == "error"
    assert row(name="张三", id_number=3.30106e17).status == "error"
    assert row(name="张三", id_number="").status == "error"          # neither number nor birth date and sex
    assert row(name="张三", id_number=GOOD, arrived_on="2030-01-01").status == "error"
    assert row(name="张三", id_number=GOOD, arrived_on="1980-01-01").status == "error"  # before birth
    assert row(name="张三", id_number=GOOD, hukou_area_code="999999").status == "error"
    assert row(name="张" * 65, id_number=GOOD).status == "error"


def test_child_without_number():
    r = row(name="小宝", id_number="", birth_date="2020.2.1", sex="男")
    assert r.status == "ready" and r.values["id_number"] is None and r.values["birth_date"] == dt.date(2020, 2, 1)


def test_doubtful_values_are_warnings_and_dropped():
    r = row(name="张三", id_number=GOOD, phone="0571-88001234", education="火星学院")
    assert r.status == "ready"
    assert r.values["phone"] is None and r.values["education"] is None
    assert {w.field for w in r.warnings} == {"phone", "education"}


def test_repeats_within_the_file():
    rows = [ledger_rows.read_row(i, c, TODAY) for i, c in enumerate([
        {"name": "张三", "id_number": GOOD}, {"name": "张三", "id_number": GOOD.lower()},
        {"name": "小宝", "id_number": "", "birth_date": "2020-02-01", "sex": "男"},
        {"name": "小宝", "id_number": "", "birth_date": "2020.2.1", "sex": "男"}], start=2)]
    ledger_rows.mark_repeats(rows)
    assert [r.status for r in rows] == ["ready", "repeat", "ready", "repeat"]
    assert "第 2 行" in rows[1].errors[0].message


# --- files ----------------------------------------------------------------------------

def xlsx_bytes(build) -> bytes:
    book = openpyxl.Workbook()
    build(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_title_rows_merged_cells_and_several_sheets():
    def build(book):
        ws = book.active
        ws.title = "说明"
        ws.append(["填写说明"])
        data = book.create_sheet("台账")
        data.append(["文一社区流动人口台账"])
        data.merge_cells("A1:D1")
        data.append(["姓名", "身份证号", "现住址", "来本地日期"])
        data.append(["张三", GOOD, "文一路 1 号", dt.date(2025, 1, 2)])
        data.append(["张三妻", make_id_number("330106", dt.date(1991, 1, 1), 124), None, dt.date(2025, 1, 2)])
        data.merge_cells("C3:C4")  # one address for the household
    ledger = ledger_file.open_ledger(xlsx_bytes(build))
    assert ledger.kind == "xlsx" and ledger.sheets == ["说明", "台账"]
    rows = ledger.rows("台账")
    assert rows[0] == ["文一社区流动人口台账"] * 4
    assert rows[3][2] == "文一路 1 号"
    assert rows[2][3] == dt.date(2025, 1, 2)


def test_xls_and_a_renamed_file_are_read_by_content():
    book = xlwt.Workbook()
    sheet = book.add_sheet("Sheet1")
    for c, v in enumerate(["姓名", "身份证号码"]):
        sheet.write(0, c, v)
    sheet.write(1, 0, "赵六")
    sheet.write(1, 1, GOOD)
    out = io.BytesIO()
    book.save(out)
    ledger = ledger_file.open_ledger(out.getvalue())  # whatever the file was called
    assert ledger.kind == "xls"
    assert ledger.rows()[1] == ["赵六", GOOD]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_in_every_usual_encoding(encoding):
    text = "姓名,身份证号码,现住址\r\n张三," + GOOD + ",文一路 1 号\r\n"
    rows = ledger_file.open_ledger(text.encode(encoding)).rows()
    assert rows == [["姓名", "身份证号码", "现住址"], ["张三", GOOD, "文一路 1 号"]]


def test_tab_and_semicolon_separated():
    for sep in ("\t", ";"):
        out = io.StringIO()
        csv.writer(out, delimiter=sep).writerows([["姓名", "身份证号码"], ["张三", GOOD]])
        assert ledger_file.open_ledger(out.getvalue().encode())._csv_rows[1] == ["张三", GOOD]


@pytest.mark.parametrize("data,word", [(b"", "空"), (b"   \r\n", "空"), (b"\xef\xbb\xbf", "空"),
                                       (b"PK\x03\x04garbage", "无法打开"), (ledger_file.OLE2 + b"x" * 100, "无法打开"),
                                       (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "无法打开")])
def test_files_that_are_not_ledgers(data, word):
    with pytest.raises(ledger_file.LedgerFileError) as exc:
        ledger_file.open_ledger(data)
    assert word in str(exc.value)


def test_huge_files_are_refused_with_a_message(monkeypatch):
    monkeypatch.setattr(ledger_file, "MAX_BYTES", 100)
    with pytest.raises(ledger_file.LedgerFileError) as exc:
        ledger_file.open_ledger(b"a,b\n" * 100)
    assert "MB" in str(exc.value)
