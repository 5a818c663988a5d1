"""Exporting the people list: current filters, all pages, masking, audit, round trip."""
import datetime as dt
import io

import openpyxl
from sqlalchemy import select

from app.domain import ledger_columns, ledger_file, ledger_rows
from app.extensions import db
from app.models import AuditLog


def sheet_rows(response):
    assert response.status_code == 200, response.data[:500]
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.headers["Cache-Control"] == "no-store"
    ws = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def last_export():
    return db.session.scalars(select(AuditLog).where(AuditLog.action == "person.export").order_by(AuditLog.id.desc())).first()


def test_export_has_every_page_of_the_filtered_list_masked(login, world):
    for i in range(45):
        world.person(f"测{i:02d}", seq=i + 1)
    world.person("外人", grid=world.grid_b1, seq=99)
    world.person("走了", seq=100, status="left")
    c = login("coordinator")
    rows = sheet_rows(c.get("/grid/export.xlsx"))
    assert rows[0][:3] == ["姓名", "性别", "身份证号码"]
    names = [r[0] for r in rows[1:]]
    assert len(names) == 45 and "外人" not in names and "走了" not in names
    assert all("********" in r[2] for r in rows[1:])
    entry = last_export()
    assert entry.after == {"grid_id": None, "status": "present", "search": False, "rows": 45, "full_id_numbers": False}
    assert len(sheet_rows(c.get("/grid/export.xlsx?status=all"))) == 47


def test_export_uses_the_search_kept_in_the_session_and_never_logs_it(login, world):
    world.person("张三", seq=1)
    world.person("李四", seq=2)
    c = login("coordinator")
    c.post("/grid/", data={"q": "李"})
    rows = sheet_rows(c.get("/grid/export.xlsx"))
    assert [r[0] for r in rows[1:]] == ["李四"]
    entry = last_export()
    assert entry.after["search"] is True and "李" not in str(entry.after)


def test_full_numbers_only_for_those_who_may_see_them(login, world):
    p = world.person("张三", seq=1)
    assert sheet_rows(login("coordinator").get("/grid/export.xlsx?full=1"))[1][2] != p.id_number
    assert last_export().after["full_id_numbers"] is False
    assert sheet_rows(login("supervisor").get("/grid/export.xlsx?full=1"))[1][2] == p.id_number
    assert last_export().after["full_id_numbers"] is True


def test_list_page_links_to_the_export_with_its_filters(login, world):
    html = login("coordinator").get(f"/grid/?grid={world.grid_a1.id}&status=left").data.decode()
    assert f"/grid/export.xlsx?grid={world.grid_a1.id}&amp;status=left" in html
    assert "full=1" not in html
    assert "full=1" in login("supervisor").get("/grid/").data.decode()


def test_formula_injection_is_neutralised(login, world):
    world.person("=HYPERLINK(\"http://x\")", seq=1)
    rows = sheet_rows(login("coordinator").get("/grid/export.xlsx"))
    assert rows[1][0].startswith("'=")


def test_round_trip_export_reads_back_as_an_import(login, world):
    p = world.person("张三", seq=1, phone="13800138000", hukou_area_code="341202", hukou_address="清河路 1 号",
                     ethnicity="01", education="college", reason_for_coming="work", occupation="快递员")
    r = login("supervisor").get("/grid/export.xlsx?full=1")
    rows = ledger_file.open_ledger(r.data).rows()
    header = ledger_columns.find_header(rows)
    mapping = ledger_columns.auto_mapping(rows[header])
    assert {"name", "id_number", "phone", "address", "grid", "arrived_on", "education", "hukou_area_code"} <= set(mapping.values())
    row = ledger_rows.read_row(2, {k: rows[1][i] for i, k in mapping.items()}, dt.date(2026, 6, 1))
    assert row.status == "ready", row.errors
    v = row.values
    assert (v["name"], v["id_number"], v["phone"], v["education"], v["reason_for_coming"], v["ethnicity"]) == \
        (p.name, p.id_number, p.phone, "college", "work", "01")
    assert v["address"] == "文一路 1 号" and v["grid"] == "北山街道 文一社区 第1网格" and v["arrived_on"] == p.arrived_on
