"""Audit samples: reproducible draws per grid, pass/fail checks, fixes, report."""
import io

import openpyxl
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, AuditSample, AuditSampleItem


def people(world, n=30, grid=None, start=1):
    me = world.users["coordinator"]
    return [world.person(f"人{i:02d}", seq=start + i, grid=grid, created_by_id=me.id) for i in range(n)]


def test_draw_twenty_per_grid_reproducibly(login, world):
    people(world, 30)
    people(world, 5, grid=world.grid_a2, start=100)
    c = login("supervisor")
    r = c.post("/station/audits", data={"grid_id": "0", "month": "", "seed": "12345"})
    assert r.status_code == 302
    samples = db.session.scalars(select(AuditSample).order_by(AuditSample.grid_id)).all()
    assert [(s.grid_id, len(s.items), s.population, s.seed) for s in samples] == \
        [(world.grid_a1.id, 20, 30, 12345), (world.grid_a2.id, 5, 5, 12345)]
    first = [i.person_id for i in samples[0].items]
    # The same seed draws the same records again.
    c.post("/station/audits", data={"grid_id": str(world.grid_a1.id), "month": "", "seed": "12345"})
    again = db.session.scalars(select(AuditSample).order_by(AuditSample.id.desc())).first()
    assert [i.person_id for i in again.items] == first
    html = c.get(f"/station/audits/{again.id}").data.decode()
    assert "12345" in html and "用此种子重抽结果相同" in html
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "audit.draw")).first().after["seed"] == 12345


def test_a_new_seed_is_drawn_and_stored(login, world):
    people(world, 30)
    login("supervisor").post("/station/audits", data={"grid_id": str(world.grid_a1.id), "month": "", "seed": ""})
    sample = db.session.scalars(select(AuditSample)).one()
    assert sample.seed > 0 and len(sample.items) == 20


def test_bad_seed_and_outside_grid(login, world):
    c = login("supervisor")
    r = c.post("/station/audits", data={"grid_id": "0", "seed": "abc"})
    assert r.status_code == 200 and "随机种子" in r.data.decode()
    r = c.post("/station/audits", data={"grid_id": str(world.grid_b1.id), "seed": ""})
    assert r.status_code == 200 and db.session.scalar(select(AuditSample.id)) is None


def test_check_fail_needs_a_note_then_coordinator_fixes(login, world):
    people(world, 3)
    sup = login("supervisor")
    sup.post("/station/audits", data={"grid_id": str(world.grid_a1.id), "seed": "7"})
    sample = db.session.scalars(select(AuditSample)).one()
    item = sample.items[0]
    r = sup.post(f"/station/audits/items/{item.id}", data={"result": "fail", "note": ""})
    assert r.status_code == 200 and "不合格时请写明问题" in r.data.decode()
    assert sup.post(f"/station/audits/items/{item.id}", data={"result": "fail", "note": "已搬走"}).status_code == 302
    assert sup.post(f"/station/audits/items/{sample.items[1].id}", data={"result": "pass"}).status_code == 302

    coord = login("coordinator")
    assert coord.post(f"/station/audits/items/{item.id}", data={"result": "pass"}).status_code == 403
    html = coord.get("/station/audits/fixes").data.decode()
    assert "已搬走" in html and f"/grid/people/{item.person_id}/edit" in html
    assert coord.post(f"/station/audits/items/{item.id}/fixed").status_code == 302
    db.session.expire_all()
    assert db.session.get(AuditSampleItem, item.id).fixed_at is not None
    assert "已搬走" not in coord.get("/station/audits/fixes").data.decode()
    other = login("coordinator_b")
    assert other.post(f"/station/audits/items/{item.id}/fixed").status_code == 404

    html = sup.get("/station/audits/report").data.decode()
    row = html.split("Coordinator</td>")[1].split("</tr>")[0]
    assert [c.split("</td>")[0].split(">")[-1] for c in row.split('<td class="num')[1:]][:4] == ["2", "1", "1", "1"]
    xlsx = sup.get("/station/audits/report.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert ("Coordinator", 2, 1, 1, 1, 50.0) in rows
    # A pass counts as approved in the coordinator's performance.
    assert ">1<" in sup.get("/station/staff").data.decode().split("Coordinator</td>")[1].split("</tr>")[0]


def test_samples_outside_scope_are_404(login, world):
    world.person("乙", grid=world.grid_b1, seq=5)
    admin = login("admin")
    admin.post("/station/audits", data={"grid_id": str(world.grid_b1.id), "seed": "1"})
    sample = db.session.scalars(select(AuditSample)).one()
    sup = login("supervisor")
    assert sup.get(f"/station/audits/{sample.id}").status_code == 404
    assert sup.post(f"/station/audits/items/{sample.items[0].id}", data={"result": "pass"}).status_code == 404
