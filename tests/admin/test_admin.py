from sqlalchemy import select

from app.extensions import db
from app.models import Area, AuditLog, User


def test_create_a_coordinator_with_grids(login, world, client):
    admin = login("admin")
    r = admin.post("/admin/users/new", data={"username": "newbie", "name": "新网格员", "role": "coordinator",
                                             "grid_ids": [str(world.grid_a2.id)], "password": "start-pass-1"})
    assert r.status_code == 302
    user = db.session.scalars(select(User).where(User.username == "newbie")).one()
    assert [g.id for g in user.grids] == [world.grid_a2.id]
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "user.create")).one().after["grids"] == [world.grid_a2.id]
    assert client.post("/auth/login", data={"username": "newbie", "password": "start-pass-1"}).status_code == 302


def test_duplicate_username_and_short_password_are_errors(login, world):
    admin = login("admin")
    html = admin.post("/admin/users/new", data={"username": "coordinator", "name": "x", "role": "coordinator",
                                                "password": "start-pass-1"}).data.decode()
    assert "用户名已被使用" in html
    html = admin.post("/admin/users/new", data={"username": "x2", "name": "x", "role": "coordinator",
                                                "password": "short"}).data.decode()
    assert "密码至少 8 位" in html


def test_supervisor_needs_a_township(login, world):
    html = login("admin").post("/admin/users/new", data={"username": "s2", "name": "x", "role": "supervisor",
                                                         "password": "start-pass-1"}).data.decode()
    assert "须指定所属乡镇" in html


def test_deactivate_and_reset_password(login, world, client):
    admin = login("admin")
    uid = world.users["coordinator"].id
    admin.post(f"/admin/users/{uid}/active", data={"active": "0"})
    assert client.post("/auth/login", data={"username": "coordinator", "password": "correct-horse-9"}).status_code == 200
    admin.post(f"/admin/users/{uid}/active", data={"active": "1"})
    assert admin.post(f"/admin/users/{uid}/password", data={"password": "reset-pass-22"}).status_code == 302
    r = client.post("/auth/login", data={"username": "coordinator", "password": "reset-pass-22"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/auth/password")


def test_admin_cannot_deactivate_themselves(login, world):
    admin = login("admin")
    admin.post(f"/admin/users/{world.users['admin'].id}/active", data={"active": "0"})
    db.session.expire_all()
    assert db.session.get(User, world.users["admin"].id).active


def test_edit_user_reassigns_grids(login, world):
    admin = login("admin")
    uid = world.users["coordinator"].id
    r = admin.post(f"/admin/users/{uid}", data={"name": "李强", "role": "coordinator",
                                                "grid_ids": [str(world.grid_a1.id), str(world.grid_a2.id)]})
    assert r.status_code == 302
    db.session.expire_all()
    assert {g.id for g in db.session.get(User, uid).grids} == {world.grid_a1.id, world.grid_a2.id}


def test_areas_create_under_a_parent_with_the_right_level(login, world):
    admin = login("admin")
    r = admin.post("/admin/areas/new", data={"parent_id": str(world.comm_a.id), "code": "A3", "name": "第3网格"})
    assert r.status_code == 302
    area = db.session.scalars(select(Area).where(Area.code == "A3")).one()
    assert area.level == "grid" and area.path == f"{world.comm_a.path}{world.comm_a.id}/"
    html = admin.post("/admin/areas/new", data={"parent_id": str(area.id), "code": "A3x", "name": "x"}).data.decode()
    assert "不是有效的选择" in html  # grids are not offered as parents
    html = admin.post("/admin/areas/new", data={"parent_id": str(world.comm_a.id), "code": "A3", "name": "y"}).data.decode()
    assert "区域代码已存在" in html
    assert admin.post(f"/admin/areas/{world.town_a.id}", data={"code": world.town_a.code, "name": "北山街道",
                                                                "phone": "0571-88000000"}).status_code == 302
    assert "第3网格" in admin.get("/admin/areas").data.decode()


def test_audit_log_lists_writes_with_filters(login, world):
    p = world.person("张三", seq=1)
    c = login("coordinator")
    c.post(f"/grid/people/{p.id}/depart", data={"version": str(p.version), "on": "2026-11-20", "reason": "other"})
    html = login("admin").get("/admin/audit?entity=person").data.decode()
    assert "person.depart" in html and "coordinator" in html
    html = login("admin").get("/admin/audit?action=user.login").data.decode()
    assert "person.depart" not in html
