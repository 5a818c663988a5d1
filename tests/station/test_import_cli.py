"""``flask import-people FILE``: the same checks and writes as the pages, safe to rerun."""
import datetime as dt

from sqlalchemy import func, select

from app.domain.idcard import make_id_number
from app.extensions import db
from app.models import AuditLog, Person


def test_import_people_twice_imports_once(app, world, tmp_path):
    path = tmp_path / "台账.csv"
    first = make_id_number("330106", dt.date(1990, 1, 1), 11)
    path.write_bytes(("标题行\n姓名,身份证号码,现住址\n张三," + first + ",文一路 9 号\n李四,3.30106E+17,\n")
                     .encode("gbk"))
    runner = app.test_cli_runner()
    args = ["import-people", str(path), "--user", "coordinator", "--grid", world.grid_a1.code]
    dry = runner.invoke(args=args + ["--dry-run", "--errors", str(tmp_path / "errors.xlsx")])
    assert dry.exit_code == 0, dry.output
    assert "1 to import" in dry.output and "row 4" in dry.output and "Dry run" in dry.output
    assert (tmp_path / "errors.xlsx").stat().st_size > 0
    assert db.session.scalar(select(func.count(Person.id))) == 0

    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Imported 1 people" in result.output
    again = runner.invoke(args=args)
    assert "0 to import" in again.output and "1 already registered" in again.output
    assert db.session.scalar(select(func.count(Person.id))) == 1
    log = db.session.scalars(select(AuditLog).where(AuditLog.action == "person.register")).one()
    assert log.actor == "cli:coordinator" and log.user_id == world.users["coordinator"].id


def test_import_people_refuses_unknown_users_grids_and_files(app, world, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"")
    runner = app.test_cli_runner()
    assert "no active" in runner.invoke(args=["import-people", str(path), "--user", "nobody"]).output
    assert "unknown grid" in runner.invoke(args=["import-people", str(path), "--user", "admin", "--grid", "ZZ"]).output
    assert "文件是空的" in runner.invoke(args=["import-people", str(path), "--user", "admin"]).output
    outside = runner.invoke(args=["import-people", str(path), "--user", "coordinator", "--grid", "B1"])
    assert outside.exit_code != 0
