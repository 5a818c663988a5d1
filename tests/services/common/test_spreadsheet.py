"""The one .xlsx writer: values, dates, formula injection, sheet titles."""
import datetime as dt

from openpyxl import load_workbook

from app.domain.spreadsheet import cell, safe_text
from app.services.common.spreadsheet import Sheet, sheet_title, write_xlsx


def test_text_that_a_spreadsheet_would_run_is_neutralised():
    assert safe_text("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    for start in "=+-@\t\r":
        assert cell(start + "1") == "'" + start + "1"
    assert cell("张三") == "张三"
    assert cell(-3) == -3  # numbers stay numbers
    assert cell(None) is None


def test_workbook_round_trip():
    rows = [("张三", dt.date(2026, 1, 2), 3, "=1+1"), ("李四", None, None, "@SUM(A1)")]
    f = write_xlsx([Sheet("人员/名单", ["姓名", "来本地日期", "房间数", "备注"], iter(rows))])
    ws = load_workbook(f).active
    assert ws.title == "人员 名单"
    values = [tuple(c.value for c in row) for row in ws.iter_rows()]
    assert values[0] == ("姓名", "来本地日期", "房间数", "备注")
    assert values[1] == ("张三", dt.datetime(2026, 1, 2), 3, "'=1+1")
    assert values[2] == ("李四", None, None, "'@SUM(A1)")
    assert ws["D2"].data_type == "s"  # stored as text, never as a formula


def test_sheet_titles_follow_excels_rules():
    assert sheet_title("a" * 40) == "a" * 31
    assert sheet_title("[]") == "Sheet"
