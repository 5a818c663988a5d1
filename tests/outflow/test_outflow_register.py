"""The outflow register: registering residents who left, left-behind family, returns,
edits with optimistic locking, scope and masking."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl

from sqlalchemy import select

from app.domain.idcard import make_id_number, mask_id_number
from app.extensions import db
from app.models import AuditLog, LeftBehind, Outflow

NUMBER = make_id_number("330106", dt.date(1988, 2, 3), 41)


def _form(world, **extra):
    data = {"grid_id": world.grid_a1.id, "id_number": NUMBER, "name": "王外出", "left_on": "2026-03-01",
            "reason": "work", "occupation": "建筑工", "phone": "13812345678", "home_contact": "王父",
            "home_phone": "13912345678", "hukou_1": "44", "hukou_2": "4403", "hukou_3": "440305",
            "hukou_4": "440305001"}
    data.update(extra)
    return data


def _register(login, world, **extra):
    c = login("coordinator")
    response = c.post("/outflow/new", data=_form(world, **extra))
    return c, response


def test_coordinator_registers_an_outflow_with_four_knows(login, world):
    c, response = _register(login, world)
    assert response.status_code == 302, response.data.decode()[:2000]
    record = db.session.scalars(select(Outflow)).one()
    assert (record.name, record.status, record.dest_area_code, record.sex) == ("王外出", "away", "440305001", "M")
    page = c.get(f"/outflow/{record.id}").data.decode()
    assert NUMBER not in page and "330106******0" in page or NUMBER[:6] + "********" + NUMBER[-4:] in page
    assert "齐全" in page
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.entity == "outflow")) == "outflow.register"


def test_a_person_already_away_is_not_registered_twice_and_a_known_person_is_linked(login, world):
    known = world.person(name="王外出", id_number=NUMBER)
    _register(login, world)
    c, again = _register(login, world)
    assert again.status_code == 200 and "已在流出人口名册中" in again.data.decode()
    record = db.session.scalars(select(Outflow)).one()
    assert record.person_id == known.id


def test_a_leaving_date_before_the_birth_date_is_refused_with_the_typed_text_kept(login, world):
    c, response = _register(login, world, left_on="1980-01-01", occupation="厨师")
    page = response.data.decode()
    assert response.status_code == 200 and "外出日期早于出生日期" in page and "厨师" in page
    assert db.session.scalar(select(Outflow.id)) is None


def test_bad_id_number_is_refused_with_the_typed_text_kept(login, world):
    c, response = _register(login, world, id_number="330106198802030000", occupation="厨师")
    page = response.data.decode()
    assert response.status_code == 200 and "校验位" in page and "厨师" in page
    assert db.session.scalar(select(Outflow.id)) is None


def test_left_behind_child_and_elderly_lists_and_age_rule(login, world):
    c, _ = _register(login, world)
    record = db.session.scalars(select(Outflow)).one()
    child = c.post(f"/outflow/{record.id}/left-behind", data={"name": "王小宝", "birth_date": "2018-06-01",
                                                              "relation": "child", "carer": "王奶奶",
                                                              "carer_phone": "13700000000"})
    assert child.status_code == 302
    adult = c.post(f"/outflow/{record.id}/left-behind", data={"name": "王成年", "birth_date": "1990-01-01",
                                                              "relation": "other"})
    assert adult.status_code == 422 and "未满 16 周岁" in adult.data.decode()
    unborn = c.post(f"/outflow/{record.id}/left-behind", data={"name": "王未生", "birth_date": "2099-01-01",
                                                               "relation": "child", "carer": "王奶奶"})
    assert unborn.status_code == 422 and "出生日期在未来" in unborn.data.decode() and "王未生" in unborn.data.decode()
    elder = make_id_number("330106", dt.date(1950, 1, 1), 7)
    c.post(f"/outflow/{record.id}/left-behind", data={"name": "王爷爷", "id_number": elder, "relation": "parent"})
    kinds = dict(db.session.execute(select(LeftBehind.name, LeftBehind.kind)).all())
    assert kinds == {"王小宝": "child", "王爷爷": "elderly"}
    children = c.get("/outflow/left-behind/child").data.decode().split('<ul class="list">')[-1]
    assert "王小宝" in children and "王奶奶" in children and "13812345678" in children and "王爷爷" not in children
    assert "王爷爷" in c.get("/outflow/left-behind/elderly").data.decode().split('<ul class="list">')[-1]
    # the visiting list as a spreadsheet: masked, audited, this list's people only
    exported = c.get("/outflow/left-behind/elderly.xlsx")
    assert exported.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(exported.data)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in rows] == ["王爷爷"] and rows[0][3] == mask_id_number(elder) and elder not in str(rows)
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "outflow.left_behind_export")).one()
    assert audit.after["rows"] == 1


def test_return_closes_the_absence_and_the_person_can_leave_again(login, world):
    c, _ = _register(login, world)
    record = db.session.scalars(select(Outflow)).one()
    early = c.post(f"/outflow/{record.id}/return", data={"version": record.version, "returned_on": "2026-02-01"})
    assert early.status_code == 422 and "不能早于外出日期" in early.data.decode()
    done = c.post(f"/outflow/{record.id}/return", data={"version": record.version, "returned_on": "2026-05-01"})
    assert done.status_code == 302
    db.session.expire_all()
    assert (record.status, record.returned_on) == ("returned", dt.date(2026, 5, 1))
    c2, again = _register(login, world, left_on="2026-06-01")
    assert again.status_code == 302
    assert db.session.scalar(select(db.func.count()).select_from(Outflow)) == 2


def test_edit_with_a_stale_version_keeps_the_input(login, world):
    c, _ = _register(login, world)
    record = db.session.scalars(select(Outflow)).one()
    first = c.post(f"/outflow/{record.id}/edit", data=_form(world, version=record.version, occupation="电工"))
    assert first.status_code == 302
    stale = c.post(f"/outflow/{record.id}/edit", data=_form(world, version=record.version - 0, occupation="焊工"))
    page = stale.data.decode()
    assert stale.status_code == 200 and "刚被他人更新" in page and "焊工" in page
    db.session.expire_all()
    assert record.occupation == "电工"


def test_scope_other_township_gets_404_and_list_is_cut(login, world):
    _register(login, world)
    record = db.session.scalars(select(Outflow)).one()
    other = login("coordinator_b")
    assert other.get(f"/outflow/{record.id}").status_code == 404
    assert "王外出" not in other.get("/outflow/").data.decode()
    assert "王外出" in login("supervisor").get("/outflow/").data.decode()


def test_search_by_name_in_the_body_and_export(login, world):
    c, _ = _register(login, world)
    found = c.post("/outflow/", data={"q": "外出"}, headers={"HX-Request": "true"})
    assert "王外出" in found.data.decode() and "<html" not in found.data.decode()
    assert "王外出" not in c.post("/outflow/", data={"q": "李"}).data.decode().split('id="results"')[1]
    export = c.get("/outflow/export.xlsx")
    assert export.status_code == 200 and export.mimetype.endswith("sheet")
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "outflow.export")) is not None
