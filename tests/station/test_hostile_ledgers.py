"""Ledger files that used to crash or stall the server, and the import's blind spots:
each is refused (or read) with a clear message, quickly, with memory bounded."""
import datetime as dt
import io
import re
import subprocess
import sys
import textwrap
import time
import zipfile

import openpyxl
import pytest
import xlwt
from sqlalchemy import select

from app.domain import ledger_guard
from app.domain.idcard import make_id_number
from app.domain.ledger_file import LedgerFileError, open_ledger
from app.extensions import db
from app.models import Area, PeopleImport, Person
from tests.station.test_people_import import check, run, upload, xlsx

ZHANG = make_id_number("330106", dt.date(1990, 1, 1), 11)
LI = make_id_number("330106", dt.date(1991, 2, 2), 13)


def far_cell_xlsx() -> bytes:
    """Two cells, A1 and XFD1048576: the whole grid between them is half a terabyte."""
    book = openpyxl.Workbook()
    book.active["A1"] = "姓名"
    book.active["XFD1048576"] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet_xml(data: bytes, rewrite) -> bytes:
    """``data`` with its first worksheet's XML passed through ``rewrite``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            body = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                body = rewrite(body)
            target.writestr(part, body)
    return out.getvalue()


def bomb_xlsx(unpacked: int) -> bytes:
    """A small file whose sheet XML unpacks to ``unpacked`` bytes of empty rows, written
    part by part (the XML is never whole in memory)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([["姓名", "身份证号"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for part in source.infolist():
            body = source.read(part)
            if part.filename != "xl/worksheets/sheet1.xml":
                target.writestr(part, body)
                continue
            head, tail = body.split(b"</sheetData>")
            rows = b'<row r="2"></row>' * 65536
            info = zipfile.ZipInfo(part.filename)
            info.compress_type = zipfile.ZIP_DEFLATED
            with target.open(info, "w", force_zip64=True) as sheet:
                sheet.write(head)
                for _ in range(unpacked // len(rows)):
                    sheet.write(rows)
                sheet.write(b"</sheetData>" + tail)
    return out.getvalue()


def lying_sizes(data: bytes) -> bytes:
    """The same zip with every part's declared unpacked size set to 1,000 bytes."""
    raw = bytearray(data)
    for m in re.finditer(rb"PK\x01\x02", bytes(raw)):
        raw[m.start() + 24:m.start() + 28] = (1000).to_bytes(4, "little")
    for m in re.finditer(rb"PK\x03\x04", bytes(raw)):
        raw[m.start() + 22:m.start() + 26] = (1000).to_bytes(4, "little")
    return bytes(raw)


def far_cell_xls() -> bytes:
    book = xlwt.Workbook()
    sheet = book.add_sheet("台账")
    sheet.write(0, 0, "姓名")
    sheet.write(65535, 255, "x")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refused(data: bytes) -> tuple[str, float]:
    started = time.perf_counter()
    with pytest.raises(LedgerFileError) as caught:
        open_ledger(data)
    return str(caught.value.message), time.perf_counter() - started


def test_a_cell_at_xfd1048576_is_refused_at_once_with_the_reason():
    message, seconds = refused(far_cell_xlsx())
    assert "200000 行" in message or "XFD1048576" in message
    assert seconds < 1


def test_a_zip_bomb_is_refused_from_its_directory(monkeypatch):
    monkeypatch.setattr(ledger_guard, "MAX_PART_BYTES", 20 * 1024 * 1024)
    data = bomb_xlsx(30 * 1024 * 1024)
    assert len(data) < 200_000
    message, seconds = refused(data)
    assert "解压后有" in message and seconds < 1


def test_a_zip_that_lies_about_its_sizes_is_caught_while_unpacking():
    message, seconds = refused(lying_sizes(bomb_xlsx(5 * 1024 * 1024)))
    assert "损坏" in message and seconds < 1


def test_an_xls_with_a_far_cell_is_refused():
    message, seconds = refused(far_cell_xls())
    assert "范围太大" in message and seconds < 1


def test_an_ods_is_refused_with_what_to_do():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    assert "另存为 .xlsx" in refused(out.getvalue())[0]


# The bomb unpacks to more than a part may (the limit lowered to 20 MB for the test, as
# compressing 450 MB would take the test longer than the point it makes).
HOSTILE = {"far_cell": lambda: far_cell_xlsx(), "bomb": lambda: bomb_xlsx(30 * 1024 * 1024),
           "lying": lambda: lying_sizes(bomb_xlsx(50 * 1024 * 1024)), "far_xls": lambda: far_cell_xls()}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_memory_stays_bounded_for_each_hostile_file(kind, tmp_path):
    """The file is refused in a process of its own, which reads it from disk: its peak
    resident size grows by less than 100 MB while the file is checked and refused."""
    path = tmp_path / "hostile.bin"
    path.write_bytes(HOSTILE[kind]())
    script = textwrap.dedent(f"""
        import gc, resource, sys
        sys.path[:0] = {sys.path!r}
        from app.domain import ledger_guard
        from app.domain.ledger_file import LedgerFileError, open_ledger
        ledger_guard.MAX_PART_BYTES = 20 * 1024 * 1024
        data = open({str(path)!r}, "rb").read()
        gc.collect()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            open_ledger(data)
        except LedgerFileError:
            pass
        else:
            raise SystemExit("not refused")
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    grown_kb = int(result.stdout.split()[-1])
    assert grown_kb < 100 * 1024, f"{kind}: {grown_kb} KB"


def test_the_upload_page_says_why_and_nothing_is_kept(login, world):
    c = login("coordinator")
    r = c.post("/station/imports", data={"file": (io.BytesIO(far_cell_xlsx()), "台账.xlsx")},
               content_type="multipart/form-data")
    assert r.status_code in (200, 422)
    assert "XFD1048576" in r.data.decode() or "200000 行" in r.data.decode()
    assert db.session.scalar(select(PeopleImport.id)) is None


def test_an_instructions_sheet_in_front_of_the_ledger_is_passed_over(login, world):
    book = openpyxl.Workbook()
    book.active.title = "填表说明"
    book.active.append(["请按下表填写，身份证号请设为文本格式。"])
    book.active.append(["姓名一栏写全名。"])
    data = book.create_sheet("流动人口台账")
    data.append(["姓名", "身份证号", "现住址"])
    data.append(["张三", ZHANG, "文一路 1 号"])
    out = io.BytesIO()
    book.save(out)
    c = login("coordinator")
    job = check(c, upload(c, out.getvalue()), grid_id=str(world.grid_a1.id))
    assert job.sheet == "流动人口台账" and job.summary["ready"] == 1


def test_no_header_names_the_other_sheets_and_the_cli_mentions_sheet(app, login, world, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表由社区填报"])
    book.active.append(["填报日期", "2026-11-01"])
    other = book.create_sheet("汇总")
    other.append(["社区", "人数"])
    path = tmp_path / "台账.xlsx"
    book.save(path)
    result = app.test_cli_runner().invoke(args=["import-people", str(path), "--user", "coordinator",
                                                "--grid", world.grid_a1.code, "--dry-run"])
    assert result.exit_code != 0
    assert "汇总" in result.output and "--sheet" in result.output
    wrong = app.test_cli_runner().invoke(args=["import-people", str(path), "--user", "coordinator",
                                               "--sheet", "人员", "--dry-run"])
    assert "no worksheet named '人员'" in wrong.output and "说明" in wrong.output


def formula_ledger() -> bytes:
    """Row 2: a name that is a formula with a cached value; row 3: an ID number that is a
    formula never computed; row 4: an occupation from a formula (accepted)."""
    data = xlsx([["姓名", "身份证号", "职业"], ["x", ZHANG, "快递员"], ["李四", "x", "厨师"],
                 ["王五", make_id_number("330106", dt.date(1992, 3, 3), 15), "x"]])

    def rewrite(xml: bytes) -> bytes:
        xml = re.sub(rb'<c r="A2"[^>]*>.*?</c>', b'<c r="A2" t="str"><f>D2</f><v>2</v></c>', xml)
        xml = re.sub(rb'<c r="B3"[^>]*>.*?</c>', b'<c r="B3"><f>VLOOKUP(A3,Sheet2!A:B,2,0)</f></c>', xml)
        cached = '<c r="C4" t="str"><f>"快递"&amp;"员"</f><v>快递员</v></c>'.encode()
        return re.sub(rb'<c r="C4"[^>]*>.*?</c>', cached, xml)
    return with_sheet_xml(data, rewrite)


def test_formula_cells_are_named_and_refused_for_identity_fields(login, world):
    c = login("coordinator")
    job = check(c, upload(c, formula_ledger()), grid_id=str(world.grid_a1.id))
    issues = {}
    for issue in job.summary["issues"]:
        issues.setdefault(issue["line"], []).append(issue["template"] % issue["params"])
    assert any("“姓名”单元格是公式" in m for m in issues[2]), issues
    assert any("“身份证号码”单元格是公式" in m for m in issues[3]), issues
    assert not any("缺少" in m for m in issues[2] + issues[3])  # the reason, not a second guess
    assert 4 not in issues
    assert job.summary["ready"] == 1


def test_retired_household_codes_warn_and_are_kept(login, world):
    retired = make_id_number("342101", dt.date(1988, 8, 8), 17)  # 阜阳地区, retired
    c = login("coordinator")
    job = check(c, upload(c, xlsx([["姓名", "身份证号"], ["赵六", retired]])), grid_id=str(world.grid_a1.id))
    assert job.summary["warned"] == 1
    assert "已撤销的区划" in job.summary["issues"][0]["template"]
    run(c, job.id)
    person = db.session.scalars(select(Person).where(Person.id_number == retired)).one()
    assert person.hukou_area_code == "342101"
    page = login("supervisor").get("/station/quality").data.decode()
    assert "户籍地代码为已撤销的区划" in page


def test_a_number_stored_as_a_number_shows_the_rows_own_value(login, world):
    c = login("coordinator")
    job = check(c, upload(c, xlsx([["姓名", "身份证号"], ["杨帆", 360102199001011234.0]])),
                grid_id=str(world.grid_a1.id))
    issue = job.summary["issues"][0]
    assert issue["params"]["value"] == "3.60102E+17"


def test_the_cli_dry_run_says_how_many_more_problems_there_are(app, world, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_text("姓名,身份证号\n" + "".join(f"人{i},12345\n" for i in range(25)), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-people", str(path), "--user", "coordinator",
                                                "--grid", world.grid_a1.code, "--dry-run"])
    assert "… and 5 more rows with problems (--errors FILE.xlsx writes them all)." in result.output


def test_a_community_name_two_townships_share_is_refused_with_its_candidates(login, world):
    twin_community = world.area("330106004002", "文一社区", "community", world.town_b)
    twin = world.area("B2", "第1网格", "grid", twin_community)
    db.session.commit()
    rows = [["姓名", "身份证号", "网格"], ["张三", ZHANG, "文一社区 第1网格"],
            ["李四", LI, "北山街道 文一社区 第1网格"], ["王五", make_id_number("330106", dt.date(1992, 3, 3), 15), "A1"]]
    c = login("admin")
    job = check(c, upload(c, xlsx(rows)))
    messages = {i["line"]: i["template"] % i["params"] for i in job.summary["issues"]}
    assert "有重名" in messages[2] and "北山街道 文一社区 第1网格" in messages[2] and "西溪街道 文一社区 第1网格" in messages[2]
    assert job.summary["ready"] == 2
    run(c, job.id)
    placed = {p.name: p.grid_id for p in db.session.scalars(select(Person))}
    assert placed == {"李四": world.grid_a1.id, "王五": world.grid_a1.id}
    assert db.session.get(Area, twin.id) is not None
