"""Importing people ledgers through the pages: dry run, import, idempotence, scope."""
import datetime as dt
import io
import json

import openpyxl
from sqlalchemy import func, select

from app.domain.idcard import make_id_number
from app.extensions import db
from app.services import jobs
from app.models import AuditLog, Card, Dwelling, Movement, PeopleImport, Person, Tenancy


def xlsx(rows, preamble=()) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    for line in preamble:
        ws.append([line])
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PEOPLE = "/station/imports"


def upload(client, data: bytes, name="台账.xlsx", base=PEOPLE):
    r = client.post(base, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    assert r.status_code == 302, r.data.decode()[:2000]
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


def check(client, job_id, base=PEOPLE, **settings):
    page = client.get(f"{base}/{job_id}").data.decode()
    assert "试导入" in page
    job = db.session.get(PeopleImport, job_id)
    db.session.refresh(job)
    data = {"action": "check", "sheet": job.sheet or "", "header_row": job.header_row if job.header_row is not None else "",
            "grid_id": settings.pop("grid_id", job.grid_id or "")}
    data.update({f"col_{i}": k for i, k in (job.mapping or {}).items()})
    data.update(settings)
    r = client.post(f"{base}/{job_id}", data=data)
    assert r.status_code == 302, r.data.decode()[:3000]
    if data.get("action") == "check":  # the dry run is a background job: the runner's turn
        assert "试导入台账" in client.get(f"{base}/{job_id}").data.decode()  # its progress
        jobs.run_pending()
    db.session.refresh(job)
    return job


def run(client, job_id, base=PEOPLE):
    """Start the import (a background job), let the runner do it, back to the page."""
    r = client.post(f"{base}/{job_id}/run")
    assert r.status_code == 302
    jobs.run_pending()
    return r


def sample(client):
    r = client.get("/station/imports/sample.xlsx")
    assert r.status_code == 200
    return r.data


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_sample_ledger_dry_run_then_import_then_again(login, world):
    c = login("coordinator")
    ledger = sample(c)
    job_id = upload(c, ledger)
    job = check(c, job_id)
    s = job.summary
    # On an empty database nobody is "already registered": the repeated row repeats the file.
    assert (s["ready"], s["duplicate"], s["repeat"], s["error"], s["blank"]) == (7, 0, 1, 6, 2), s
    assert count(Person) == 0  # a dry run writes nothing
    page = c.get(f"/station/imports/{job_id}").data.decode()
    assert "导入 7 人" in page and "身份证号被存成了数字" in page and "与第 4 行是同一人" in page

    run(c, job_id)
    db.session.refresh(job)
    assert job.status == "imported" and job.imported == 7
    assert count(Person) == 7 and count(Person, Person.import_id == job.id) == 7
    assert count(Card, Card.revoked_at.is_(None)) == 7
    assert count(Movement, Movement.kind == "arrive") == 7
    assert count(AuditLog, AuditLog.action == "person.register") == 7
    # One audit row per person: the registration, naming the card it issued.
    assert count(AuditLog, AuditLog.action == "card.issue") == 0
    registered = db.session.scalars(select(AuditLog).where(AuditLog.action == "person.register")).all()
    cards = dict(db.session.execute(select(Card.person_id, Card.id)).all())
    assert sorted((e.entity_id, e.after["card_id"]) for e in registered) == sorted(cards.items())
    assert count(AuditLog, AuditLog.action == "import.run") == 1
    # A household shares its dwelling: 张伟, 李娜 and their child at 文一路 100 号 3 幢.
    assert count(Dwelling, Dwelling.address == "文一路 100 号 3 幢") == 1
    assert count(Tenancy) == 7
    wang = db.session.scalars(select(Person).where(Person.name == "王强")).one()
    assert wang.id_number.endswith("X") and wang.arrived_on == dt.date(2025, 4, 1)  # Excel serial 45748
    liu = db.session.scalars(select(Person).where(Person.name == "刘洋")).one()
    assert len(liu.id_number) == 18 and liu.birth_date == dt.date(1976, 4, 12)
    child = db.session.scalars(select(Person).where(Person.name == "张小宝")).one()
    assert child.id_number is None and child.birth_date == dt.date(2019, 2, 1) and child.sex == "M"
    assert not (db.session.get(PeopleImport, job_id).token and
                __import__("pathlib").Path(c.application.instance_path, "imports", job.token + ".bin").exists())

    # The same file again: everyone is already registered, nothing changes.
    again = upload(c, ledger)
    page = c.get(f"/station/imports/{again}").data.decode()
    assert "同一个文件已于" in page
    job2 = check(c, again)
    assert job2.summary["ready"] == 0 and job2.summary["duplicate"] == 7 and job2.summary["repeat"] == 1, job2.summary
    run(c, again)
    assert count(Person) == 7


def test_only_the_owner_sees_an_upload(login, world):
    job_id = upload(login("coordinator"), xlsx([["姓名", "身份证号"], ["张三", make_id_number("330106", dt.date(1990, 1, 1), 11)]]))
    other = login("supervisor")
    for url in (f"/station/imports/{job_id}", f"/station/imports/{job_id}/issues.xlsx"):
        assert other.get(url).status_code == 404
    assert other.post(f"/station/imports/{job_id}/run").status_code == 404


def test_grid_column_outside_scope_and_registered_elsewhere(login, world):
    elsewhere = world.person("王五", grid=world.grid_b1, seq=3)
    ok = make_id_number("330106", dt.date(1991, 1, 1), 21)
    rows = [["姓名", "身份证号码", "网格"], ["甲", ok, world.grid_a1.code], ["乙", make_id_number("330106", dt.date(1991, 1, 1), 23), "B1"],
            ["王五", elsewhere.id_number, "A1"], ["丙", make_id_number("330106", dt.date(1991, 1, 1), 25), "不存在"]]
    c = login("coordinator")
    job = check(c, upload(c, xlsx(rows)))
    assert (job.summary["ready"], job.summary["duplicate"], job.summary["error"]) == (1, 1, 2)
    messages = {}
    for i in job.summary["issues"]:
        messages[i["line"]] = messages.get(i["line"], "") + i["template"] % i["params"]
    assert "不在您的管辖范围" in messages[3] and "不在您的管辖范围" in messages[5]
    assert "西溪街道 留下社区" in messages[4]  # where, not which grid: it is outside the coordinator's scope


def test_files_that_are_not_ledgers_say_so(login, world):
    c = login("coordinator")
    r = c.post("/station/imports", data={}, content_type="multipart/form-data")
    assert r.status_code == 200 and "请选择文件" in r.data.decode()
    for data, word in ((b"", "文件是空的"), (b"\x89PNG\r\n\x1a\n\x00\x00", "无法打开"), (b" \n", "文件是空的")):
        r = c.post("/station/imports", data={"file": (io.BytesIO(data), "x.xlsx")}, content_type="multipart/form-data")
        assert r.status_code == 200 and word in r.data.decode(), word


def test_too_big_a_file_gets_a_message(login, world, monkeypatch):
    from app.station import imports
    monkeypatch.setattr(imports, "MAX_BYTES", 1000)
    r = login("coordinator").post("/station/imports", data={"file": (io.BytesIO(b"a,b\n" * 100_000), "x.csv")},
                                  content_type="multipart/form-data")
    assert r.status_code == 413 and "文件太大" in r.data.decode()


def test_issues_download_is_the_bad_rows_with_their_problems(login, world):
    c = login("coordinator")
    job_id = upload(c, sample(c))
    check(c, job_id)
    r = c.get(f"/station/imports/{job_id}/issues.xlsx")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("原行号", "结果", "问题", "序号")
    lines = {row[0] for row in rows[1:]}
    assert {9, 10, 14} <= lines  # the number stored as a number, the scientific one, the repeat


def test_template_has_the_known_headers(login, world):
    r = login("coordinator").get("/station/imports/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(r.data))
    headers = [c.value for c in book.worksheets[0][1]]
    assert headers[:2] == ["姓名", "身份证号码"] and len(book.worksheets) == 2


def test_someone_registered_between_dry_run_and_import_is_a_duplicate(login, world):
    number = make_id_number("330106", dt.date(1990, 1, 1), 11)
    other = make_id_number("330106", dt.date(1990, 1, 1), 13)
    c = login("coordinator")
    job = check(c, upload(c, xlsx([["姓名", "身份证号码"], ["张三", number], ["李四", other]])))
    assert job.summary["ready"] == 2
    world.person("张三", id_number=number)  # registered by hand meanwhile
    run(c, job.id)
    db.session.refresh(job)
    assert job.imported == 1 and job.summary["duplicate"] == 1
    assert count(Person) == 2


def test_the_import_writes_the_rows_the_dry_run_kept(login, world, monkeypatch):
    """The dry run's rows are kept beside the upload and written as they were read (values,
    dates, warnings); a file kept by an earlier version is not trusted: the file is read
    and checked again."""
    from app.services.registry import people_import

    rows = [["姓名", "身份证号码", "来本地日期", "联系电话", "现住址", "房间号"],
            ["甲", make_id_number("330106", dt.date(1990, 1, 1), 31), "2025.3.9", "139 0000 1111", "古墩路 1 号", "101"],
            ["乙", make_id_number("330106", dt.date(1991, 2, 3), 33), "2025年4月1日", "0571-1234567", "", ""],
            ["乙", make_id_number("330106", dt.date(1991, 2, 3), 33), "", "", "", ""]]
    c = login("coordinator")
    job = check(c, upload(c, xlsx(rows)))
    kept = people_import._load_checked(job)
    assert [(r.line, r.status) for r in kept.rows] == [(2, "ready"), (3, "ready"), (4, "repeat")]
    assert kept.rows[0].values["arrived_on"] == dt.date(2025, 3, 9) and kept.rows[0].values["room"] == "101"
    assert kept.rows[1].warnings and kept.rows[2].errors and kept.rows[2].values["name"] == "乙"
    analysed = []
    monkeypatch.setattr(people_import, "analyse", lambda *a, **k: analysed.append(1) or people_import.Analysis())
    run(c, job.id)
    assert not analysed
    jia = db.session.scalars(select(Person).where(Person.name == "甲")).one()
    assert (jia.arrived_on, jia.phone, jia.room) == (dt.date(2025, 3, 9), "13900001111", "101")
    yi = db.session.scalars(select(Person).where(Person.name == "乙")).one()
    assert yi.arrived_on == dt.date(2025, 4, 1) and yi.phone is None  # a landline is left out, with a warning

    older = check(c, upload(c, xlsx([rows[0], [*rows[1][:1], make_id_number("330106", dt.date(1990, 1, 1), 51)]])))
    path = people_import._checked_path(older)
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["format"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert people_import._load_checked(older) is None
    monkeypatch.undo()
    run(c, older.id)
    db.session.refresh(older)
    assert older.imported == 1


def test_landlords_and_rooms_come_along(login, world):
    rows = [["姓名", "身份证号码", "现住址", "房间号", "房东姓名", "房东电话"],
            ["甲", make_id_number("330106", dt.date(1990, 1, 1), 31), "古墩路 1 号", "101", "王房东", "139 0000 1111"],
            ["乙", make_id_number("330106", dt.date(1990, 1, 1), 33), "古墩路 1 号", "102", "王房东", "13900001111"],
            ["丙", make_id_number("330106", dt.date(1990, 1, 1), 35), "文一路 1 号", "", "", ""]]
    c = login("coordinator")
    job = check(c, upload(c, xlsx(rows)))
    run(c, job.id)
    new = db.session.scalars(select(Dwelling).where(Dwelling.address == "古墩路 1 号")).one()
    assert new.landlord.name == "王房东" and new.landlord.phone == "13900001111" and new.grid_id == world.grid_a1.id
    rooms = sorted(p.room for p in db.session.scalars(select(Person).where(Person.dwelling_id == new.id)))
    assert rooms == ["101", "102"]
    bing = db.session.scalars(select(Person).where(Person.name == "丙")).one()
    assert bing.dwelling_id == world.dwelling_a1.id  # the grid's existing dwelling at that address
    assert count(AuditLog, AuditLog.action == "dwelling.create") == 1
    assert count(AuditLog, AuditLog.action == "landlord.create") == 1


def test_choosing_another_worksheet_reads_its_header(login, world):
    book = openpyxl.Workbook()
    first = book.active
    first.title = "汇总"
    first.append(["社区", "人数"])
    first.append(["文一社区", 2])
    second = book.create_sheet("人员")
    second.append(["姓名", "公民身份号码"])
    second.append(["张三", make_id_number("330106", dt.date(1990, 1, 1), 41)])
    out = io.BytesIO()
    book.save(out)
    c = login("coordinator")
    job_id = upload(c, out.getvalue())
    job = db.session.get(PeopleImport, job_id)
    assert job.sheet == "人员" and job.header_row == 0  # the sheet whose header names the fields
    c.post(f"/station/imports/{job_id}", data={"action": "save", "sheet": "汇总", "header_row": "",
                                                "grid_id": world.grid_a1.id})
    db.session.refresh(job)
    assert job.sheet == "汇总" and job.header_row is None  # no name or ID column there
    assert "请指定“姓名”所在的列" in c.get(f"/station/imports/{job_id}").data.decode()
    c.post(f"/station/imports/{job_id}", data={"action": "save", "sheet": "人员", "header_row": "",
                                                "grid_id": world.grid_a1.id})
    db.session.refresh(job)
    assert job.sheet == "人员" and job.header_row == 0 and set(job.mapping.values()) == {"name", "id_number"}
    job = check(c, job_id)
    assert job.summary["ready"] == 1
