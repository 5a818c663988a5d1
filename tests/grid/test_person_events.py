import datetime as dt

from sqlalchemy import select

from app.domain.clock import local_today
from app.extensions import db
from app.models import AuditLog, Movement, Person, Tenancy


def edit_form(p, **extra):
    data = {"version": str(p.version), "id_number": p.id_number, "name": p.name, "ethnicity": "01",
            "phone": "13911112222", "occupation": "厨师", "arrived_on": "2026-01-10",
            "grid_id": str(p.grid_id), "dwelling_id": str(p.dwelling_id or "")}
    data.update(extra)
    return data


def test_detail_page_masks_the_number_until_asked(login, world):
    p = world.person("张三", seq=1)
    c = login("coordinator")
    html = c.get(f"/grid/people/{p.id}").data.decode()
    assert p.id_number not in html and "显示完整号码" in html
    html = c.post(f"/grid/people/{p.id}/reveal-id", headers={"HX-Request": "true"}).data.decode()
    assert p.id_number in html and "<html" not in html
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "person.view_id")).one().entity_id == p.id


def test_edit_a_person_and_audit_before_after(login, world):
    p = world.person("张三", seq=1)
    r = login("coordinator").post(f"/grid/people/{p.id}/edit", data=edit_form(p, name="张三丰"))
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, p.id).name == "张三丰"
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "person.update")).one()
    assert entry.before["name"] == "张三" and entry.after["name"] == "张三丰"


def test_a_stale_form_is_refused_with_both_versions_and_nothing_lost(login, world):
    p = world.person("张三", seq=1)
    old_version = p.version
    c = login("coordinator")
    # someone else saves first
    c2 = login("supervisor")
    assert c2.post(f"/grid/people/{p.id}/edit", data=edit_form(p, occupation="保安")).status_code == 302
    r = c.post(f"/grid/people/{p.id}/edit", data=edit_form(p, occupation="厨师", employer="美味餐饮店",
                                                            version=str(old_version)))
    html = r.data.decode()
    assert r.status_code == 200
    assert "已被他人更新" in html
    assert "保安" in html and "厨师" in html and "美味餐饮店" in html  # theirs and mine
    db.session.expire_all()
    assert db.session.get(Person, p.id).occupation == "保安"
    # saving again from the refreshed form overwrites knowingly
    new_version = db.session.get(Person, p.id).version
    assert c.post(f"/grid/people/{p.id}/edit", data=edit_form(p, occupation="厨师", version=str(new_version))).status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, p.id).occupation == "厨师"


def test_move_to_another_dwelling(login, world):
    p = world.person("张三", seq=1)
    c = login("coordinator")
    r = c.post(f"/grid/people/{p.id}/move", data={
        "version": str(p.version), "on": "2026-11-20", "grid_id": str(world.grid_a1.id), "dwelling_id": "",
        "address": "文一路 200 号", "kind": "rental", "room": "301"})
    assert r.status_code == 302, r.data.decode()[-3000:]
    db.session.expire_all()
    moved = db.session.get(Person, p.id)
    assert moved.dwelling.address == "文一路 200 号" and moved.room == "301"
    tenancies = db.session.scalars(select(Tenancy).where(Tenancy.person_id == p.id)).all()
    assert [t.end_on for t in tenancies if t.dwelling_id == world.dwelling_a1.id] in ([], [dt.date(2026, 11, 20)])
    move = db.session.scalars(select(Movement).where(Movement.kind == "move")).one()
    assert move.from_dwelling_id == world.dwelling_a1.id and move.to_dwelling_id == moved.dwelling_id


def test_move_into_the_same_dwelling_is_an_error(login, world):
    p = world.person("张三", seq=1)
    html = login("coordinator").post(f"/grid/people/{p.id}/move", data={
        "version": str(p.version), "on": "2026-11-20", "grid_id": str(world.grid_a1.id),
        "dwelling_id": str(world.dwelling_a1.id)}).data.decode()
    assert "新住所与现住所相同" in html


def test_depart_and_timeline(login, world):
    p = world.person("张三", seq=1)
    c = login("coordinator")
    today = local_today().isoformat()
    r = c.post(f"/grid/people/{p.id}/depart", data={"version": str(p.version), "on": today,
                                                    "destination": "安徽省阜阳市", "reason": "return_home"})
    assert r.status_code == 302
    db.session.expire_all()
    gone = db.session.get(Person, p.id)
    assert gone.status == "left" and gone.left_on.isoformat() == today
    html = c.get(f"/grid/people/{p.id}").data.decode()
    assert "离开（注销）" in html and "安徽省阜阳市" in html
    # gone from the present list, found under 已注销
    assert "张三" not in c.get("/grid/").data.decode()
    assert "张三" in c.get("/grid/?status=left").data.decode()
    # cannot leave twice
    html = c.post(f"/grid/people/{p.id}/depart", data={"version": str(gone.version), "on": today,
                                                       "reason": "return_home"}).data.decode()
    assert "已注销" in html


def test_departure_date_before_arrival_is_refused(login, world):
    p = world.person("张三", seq=1)
    html = login("coordinator").post(f"/grid/people/{p.id}/depart", data={
        "version": str(p.version), "on": "2025-01-01", "reason": "other"}).data.decode()
    assert "早于来本地日期" in html


def test_link_spouse_by_id_number(login, world):
    a = world.person("张三", seq=1)
    b = world.person("李梅", seq=2)
    c = login("coordinator")
    r = c.post(f"/grid/people/{a.id}/household", data={"relation": "spouse", "id_number": b.id_number})
    assert r.status_code == 302
    assert "李梅" in c.get(f"/grid/people/{a.id}").data.decode()
    assert "张三" in c.get(f"/grid/people/{b.id}").data.decode()
    html = c.post(f"/grid/people/{a.id}/household", data={"relation": "spouse", "id_number": b.id_number}).data.decode()
    assert "已是家庭成员" in html


def test_cannot_link_someone_outside_scope(login, world):
    a = world.person("张三", seq=1)
    b = world.person("王五", grid=world.grid_b1, seq=2)
    html = login("coordinator").post(f"/grid/people/{a.id}/household",
                                     data={"relation": "spouse", "id_number": b.id_number}).data.decode()
    assert "未在您的范围内" in html and "王五" not in html


def test_out_of_scope_person_is_404(login, world):
    b = world.person("王五", grid=world.grid_b1, seq=2)
    c = login("coordinator")
    for url in (f"/grid/people/{b.id}", f"/grid/people/{b.id}/edit", f"/grid/people/{b.id}/move"):
        assert c.get(url).status_code == 404
    assert c.post(f"/grid/people/{b.id}/depart", data={"on": "2026-11-01", "reason": "other"}).status_code == 404
