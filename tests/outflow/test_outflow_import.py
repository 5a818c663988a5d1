"""Importing an outflow ledger (流出人口台账) through the ledger import's pages: a damaged
ledger's dry run row by row, the import as a background job through the register's one
write function, idempotence, scope, hostile files, the template and the export round trip."""
import datetime as dt
import io
import time

import openpyxl
from sqlalchemy import func, select

from app.domain.idcard import make_id_number
from app.extensions import db
from app.models import AuditLog, Job, Outflow, PeopleImport
from tests.station.test_hostile_ledgers import bomb_xlsx, far_cell_xlsx
from tests.station.test_people_import import check, run, upload

BASE = "/outflow/imports"
ZHAO = make_id_number("330106", dt.date(1985, 3, 2), 31)
QIAN = make_id_number("330106", dt.date(1979, 6, 9), 33)
SUN = make_id_number("330106", dt.date(1992, 11, 20), 35)
AWAY = make_id_number("330106", dt.date(1988, 1, 1), 37)
FAR = make_id_number("330106", dt.date(1990, 2, 2), 39)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def bad_check_digit(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def damaged_ledger(known_number: str) -> bytes:
    """What a village sends: a title merged across the sheet, a header over two rows with
    cells merged down, a blank row, full-width digits, dates as text and as Excel
    serials, a mistyped number, someone already on the register, a repeated row, a grid
    of another township."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["北山街道文一社区流出人口登记台账"])
    ws.merge_cells("A1:J1")
    ws.append(["序号", "姓名", "公民身份号码", "外出情况", None, None, "从事职业", "在外联系电话", "家中联系人", "网格"])
    ws.append([None, None, None, "离开日期", "外出地址", "外出原因"])
    for col in "ABCGHIJ":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("D2:F2")
    rows = [
        [1, "赵一", full_width(ZHAO), "2025年3月1日", "广东省深圳市南山区粤海街道科技园路1号", "打工", "电工", "138 0013 8000", "赵母", None],
        [None] * 10,
        [2, "钱二", bad_check_digit(QIAN), "2025-03-02", "上海市", "务工", None, None, None, None],
        [3, "孙三", known_number, 45748, "浙江杭州西湖区", "经商", "店主", None, None, None],
        [4, "李四", AWAY, "2024.10.8", "某工地", "务工", None, None, None, None],
        [5, "周五", SUN, "2024.10.8", "某工地宿舍", "务工", None, None, None, None],
        [6, "赵一", ZHAO, "2025-03-01", "深圳", "务工", None, None, None, None],
        [7, "吴六", FAR, "2025-01-05", "广东省广州市", "务工", None, None, None, "B1"],
    ]
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def issues_by_line(job) -> dict[int, str]:
    out: dict[int, str] = {}
    for i in job.summary["issues"]:
        out[i["line"]] = out.get(i["line"], "") + (i["template"] % i["params"] if i["params"] else i["template"])
    return out


def away(world, number, name="李四"):
    record = Outflow(id_number=number, name=name, grid_id=world.grid_a1.id, left_on=dt.date(2024, 5, 1))
    db.session.add(record)
    db.session.commit()
    return record


def test_damaged_ledger_dry_run_then_import_as_a_job_then_again(login, world):
    known = world.person("孙三", id_number=make_id_number("330106", dt.date(1990, 4, 4), 41))
    away(world, AWAY)
    c = login("coordinator")
    ledger = damaged_ledger(known.id_number)
    job_id = upload(c, ledger, base=BASE)
    job = check(c, job_id, base=BASE)
    assert job.ledger == "outflow" and job.header_row == 2  # the lower header row, its merged cells filled
    s = job.summary
    assert (s["ready"], s["duplicate"], s["repeat"], s["error"], s["blank"], s["linked"]) == (3, 1, 1, 2, 1, 1), s
    assert count(Outflow) == 1  # a dry run writes nothing
    lines = issues_by_line(job)
    assert "校验位" in lines[6]  # 钱二: a bad check digit
    assert "将关联到已有人员" in lines[7] and "未到乡镇街道" in lines[7]  # 孙三: linked; a county only
    assert "已在流出人口名册中" in lines[8]  # 李四: away already
    assert "未能对应到行政区划" in lines[9]  # 周五: a building site, kept as text
    assert "与第 4 行是同一人" in lines[10]
    assert "不在您的管辖范围" in lines[11]  # 吴六: a grid of the other township
    page = c.get(f"{BASE}/{job_id}").data.decode()
    assert "导入 3 人" in page and "其中 1 人已在人员库中" in page

    r = c.post(f"{BASE}/{job_id}/run")
    assert r.status_code == 302
    queued = db.session.scalars(select(Job).where(Job.kind == "registry.import_run")).one()
    assert queued.state == "queued" and count(Outflow) == 1  # nothing written on the request
    from app.services import jobs
    jobs.run_pending()
    db.session.refresh(job)
    db.session.refresh(queued)
    assert job.status == "imported" and job.imported == 3
    assert queued.result["endpoint"] == "outflow.import_job"
    assert count(Outflow, Outflow.source == "import") == 3
    assert count(AuditLog, AuditLog.action == "outflow.register") == 3
    assert count(AuditLog, AuditLog.action == "import.run") == 1
    zhao = db.session.scalars(select(Outflow).where(Outflow.name == "赵一")).one()
    assert zhao.id_number == ZHAO and zhao.left_on == dt.date(2025, 3, 1) and zhao.phone == "13800138000"
    assert zhao.dest_area_code == "440305007" and zhao.dest_address == "科技园路1号" and zhao.reason == "work"
    assert zhao.grid_id == world.grid_a1.id and zhao.home_contact == "赵母" and zhao.occupation == "电工"
    sun = db.session.scalars(select(Outflow).where(Outflow.name == "孙三")).one()
    assert sun.person_id == known.id and sun.left_on == dt.date(2025, 4, 1)  # linked; Excel serial 45748
    assert sun.dest_area_code == "330106"
    zhou = db.session.scalars(select(Outflow).where(Outflow.name == "周五")).one()
    assert zhou.dest_area_code is None and zhou.dest_address == "某工地宿舍" and zhou.left_on == dt.date(2024, 10, 8)

    # The same ledger again: nothing is added.
    again = upload(c, ledger, base=BASE)
    assert "同一个文件已于" in c.get(f"{BASE}/{again}").data.decode()
    job2 = check(c, again, base=BASE)
    assert job2.summary["ready"] == 0 and job2.summary["duplicate"] == 4, job2.summary
    run(c, again, base=BASE)
    assert count(Outflow) == 4


def test_the_export_imports_again_as_all_registered(login, world):
    for seq, grid in ((51, world.grid_a1), (53, world.grid_a2)):
        db.session.add(Outflow(id_number=make_id_number("330106", dt.date(1980, 1, 1), seq), name=f"外出{seq}",
                               grid_id=grid.id, left_on=dt.date(2025, 6, 1), dest_area_code="440305007",
                               dest_address="科技园 2 号", reason="work", phone="13900139000"))
    db.session.commit()
    assert make_id_number("330106", dt.date(1980, 1, 1), 51) not in _cells(
        login("coordinator").get("/outflow/export.xlsx?full=1").data)  # full numbers are not a coordinator's
    c = login("supervisor")
    masked = c.get("/outflow/export.xlsx")
    assert make_id_number("330106", dt.date(1980, 1, 1), 51) not in _cells(masked.data)  # masked by default
    exported = c.get("/outflow/export.xlsx?full=1")
    assert exported.status_code == 200
    assert count(AuditLog, AuditLog.action == "outflow.export") == 3
    job = check(c, upload(c, exported.data, name="export.xlsx", base=BASE), base=BASE)
    s = job.summary
    assert (s["rows"], s["duplicate"], s["ready"], s["error"]) == (2, 2, 0, 0), s
    # Returned, the same absence is still known: only a new departure would import.
    db.session.execute(Outflow.__table__.update().values(status="returned", returned_on=dt.date(2025, 9, 1)))
    db.session.commit()
    job = check(c, upload(c, exported.data, name="export.xlsx", base=BASE), base=BASE)
    assert job.summary["duplicate"] == 2 and "已返乡" in str(job.summary["issues"])


def _cells(data: bytes) -> str:
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    return " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)


def test_blank_template_filled_in_imports(login, world):
    c = login("coordinator")
    r = c.get(f"{BASE}/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(r.data))
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert headers[:4] == ["姓名", "身份证号码", "外出日期", "流入地"] and len(book.worksheets) == 2
    ws = book.worksheets[0]
    ws.append(["郑七", ZHAO, "2026-01-02", "北京市朝阳区望京街道", "务工", "司机", "顺风公司", "13700137000", "郑父",
               "13600136000", "2026-12-31", ""])
    out = io.BytesIO()
    book.save(out)
    job_id = upload(c, out.getvalue(), base=BASE)
    job = check(c, job_id, base=BASE)
    assert job.summary["ready"] == 1 and not job.summary["issues"], job.summary
    run(c, job_id, base=BASE)
    record = db.session.scalars(select(Outflow)).one()
    assert (record.dest_area_code, record.employer, record.home_phone, record.expected_return) == (
        "110105026", "顺风公司", "13600136000", dt.date(2026, 12, 31))


def test_hostile_files_are_refused_fast_with_a_message(login, world, monkeypatch):
    from app.domain import ledger_guard
    monkeypatch.setattr(ledger_guard, "MAX_PART_BYTES", 20 * 1024 * 1024)
    c = login("coordinator")
    for data, word in ((far_cell_xlsx(), "XFD1048576"), (bomb_xlsx(30 * 1024 * 1024), "解压后有"), (b"", "文件是空的")):
        started = time.perf_counter()
        r = c.post(BASE, data={"file": (io.BytesIO(data), "x.xlsx")}, content_type="multipart/form-data")
        body = r.data.decode()
        assert r.status_code == 200 and (word in body or "200000 行" in body), word
        assert time.perf_counter() - started < 2
    assert count(PeopleImport) == 0


def test_uploads_are_their_owner_s_and_of_their_own_ledger(login, world):
    c = login("coordinator")
    job_id = upload(c, damaged_ledger(SUN), base=BASE)
    assert c.get(f"/station/imports/{job_id}").status_code == 404  # not a people ledger
    assert f"/station/imports/{job_id}" not in c.get("/station/imports").data.decode()  # nor in its recent list
    assert f"{BASE}/{job_id}" in c.get(BASE).data.decode()
    other = login("coordinator_b")
    for url in (f"{BASE}/{job_id}", f"{BASE}/{job_id}/issues.xlsx"):
        assert other.get(url).status_code == 404
    assert other.post(f"{BASE}/{job_id}/run").status_code == 404
    people = upload(c, b"\xe5\xa7\x93\xe5\x90\x8d,\xe8\xba\xab\xe4\xbb\xbd\xe8\xaf\x81\xe5\x8f\xb7\n", name="p.csv")
    assert c.get(f"{BASE}/{people}").status_code == 404


def test_the_list_links_to_the_import_and_a_health_worker_may_not(login, world):
    page = login("coordinator").get("/outflow/").data.decode()
    assert 'href="/outflow/imports"' in page
    assert login("health").get(BASE).status_code in (302, 403)
