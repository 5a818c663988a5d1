"""The audit log as the admin reads it: Chinese as written, before/after as a table, identity
numbers masked in the page and the export, the full number only through an audited reveal."""
from __future__ import annotations

import io

import openpyxl
from sqlalchemy import select, text

from app.domain.masking import mask_id_number, mask_id_numbers
from app.extensions import db
from app.models import AuditLog
from tests.conftest import make_valid_id

ID = make_valid_id(seq=345)


def _register(login, world, name="卫国庆"):
    c = login("coordinator")
    r = c.post("/grid/people/new", data={"id_number": ID, "name": name, "ethnicity": "01", "grid_id": str(world.grid_a1.id),
                                         "arrived_on": "2026-01-10"})
    assert r.status_code == 302, r.data.decode()[:400]
    return db.session.scalars(select(AuditLog).where(AuditLog.action == "person.register")).one()


def test_mask_id_numbers_walks_keys_and_text():
    other = make_valid_id(seq=7)
    value = {"id_number": ID, "landlord_id_number": other, "edits": {"id_number": ID, "name": "张三"},
             "note": f"号码 {ID} 有误", "phone": "13800138000", "n": 3, "list": [ID]}
    masked = mask_id_numbers(value)
    assert masked == {"id_number": mask_id_number(ID), "landlord_id_number": mask_id_number(other),
                      "edits": {"id_number": mask_id_number(ID), "name": "张三"},
                      "note": f"号码 {mask_id_number(ID)} 有误", "phone": "13800138000", "n": 3,
                      "list": [mask_id_number(ID)]}


def test_chinese_is_stored_as_characters_not_escapes(login, world):
    entry = _register(login, world)
    raw = db.session.execute(text("SELECT after FROM audit_log WHERE id = :id"), {"id": entry.id}).scalar_one()
    raw = raw if isinstance(raw, str) else db.session.execute(
        text("SELECT CAST(after AS TEXT) FROM audit_log WHERE id = :id"), {"id": entry.id}).scalar_one()
    assert "卫国庆" in raw and "\\u536b" not in raw


def test_page_shows_a_readable_table_with_the_id_masked(login, world):
    entry = _register(login, world)
    html = login("admin").get("/admin/audit?entity=person").data.decode()
    assert "卫国庆" in html and "\\u536b" not in html
    assert ID not in html and mask_id_number(ID) in html
    assert '<table class="changes">' in html and "<th>姓名</th>" in html
    assert f'action="/admin/audit/{entry.id}/reveal-id"' in html  # the way to the full number


def test_reveal_is_audited_and_shows_the_full_number(login, world):
    entry = _register(login, world)
    admin = login("admin")
    r = admin.post(f"/admin/audit/{entry.id}/reveal-id", headers={"HX-Request": "true"})
    html = r.data.decode()
    assert r.status_code == 200 and ID in html and html.lstrip().startswith("<tr")  # only the row, for htmx
    seen = db.session.scalars(select(AuditLog).where(AuditLog.action == "audit.view_id")).one()
    assert seen.entity == "audit_log" and seen.entity_id == entry.id and seen.actor == "admin"
    page = admin.post(f"/admin/audit/{entry.id}/reveal-id").data.decode()  # without JavaScript: the page
    assert ID in page and "审计日志" in page
    assert admin.post("/admin/audit/999999/reveal-id").status_code == 404
    assert login("supervisor").post(f"/admin/audit/{entry.id}/reveal-id").status_code == 403


def test_export_masks_id_numbers_and_is_audited(login, world):
    _register(login, world)
    r = login("admin").get("/admin/audit/export.xlsx?entity=person")
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.data))
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert any("卫国庆" in c for c in cells)
    assert not any(ID in c for c in cells) and any(mask_id_number(ID) in c for c in cells)
    export = db.session.scalars(select(AuditLog).where(AuditLog.action == "audit.export")).one()
    assert export.after["entity"] == "person" and export.after["rows"] >= 1
