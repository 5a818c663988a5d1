"""The landlord's pages: own dwellings and tenants only, masked ID numbers, confirming,
disputing, reporting, signing; each report waits in the coordinator's queue."""
import datetime as dt

import pytest
from sqlalchemy import select

from app.domain.clock import local_today
from app.extensions import db
from app.models import Agreement, AgreementTemplate, AuditLog, ChangeRequest, Tenancy
from app.services.admin import settings
from tests.conftest import make_valid_id


@pytest.fixture
def rented(world):
    """Two tenants of the landlord's dwelling A1 (as the coordinator recorded them)."""
    a = world.person("张三", seq=1)
    b = world.person("李四", seq=2)
    other = world.person("王五", grid=world.grid_b1, dwelling=world.dwelling_b1, seq=3)
    rows = [Tenancy(person_id=p.id, dwelling_id=p.dwelling_id, room=room, start_on=dt.date(2026, 1, 10))
            for p, room in ((a, "101"), (b, "102"), (other, "1"))]
    db.session.add_all(rows)
    db.session.commit()
    return {"a": rows[0], "b": rows[1], "other": rows[2], "people": (a, b, other)}


def test_home_lists_own_dwellings_and_what_waits(login, world, rented):
    page = login("landlord").get("/landlord/")
    assert page.status_code == 200
    html = page.text
    assert "文一路 1 号" in html and "留和路 9 号" not in html
    assert "待您处理（2）" in html and "确认租客：张三" in html and "确认租客：李四" in html


def test_dwelling_page_masks_id_numbers_and_hides_other_tenants(login, world, rented):
    a, b, other = rented["people"]
    html = login("landlord").get(f"/landlord/dwellings/{world.dwelling_a1.id}").text
    assert "张三" in html and "李四" in html and "王五" not in html
    assert a.id_number not in html and a.id_number[:6] + "********" + a.id_number[-4:] in html


def test_another_landlords_dwelling_and_tenancy_are_404(login, world, rented):
    c = login("landlord")
    assert c.get(f"/landlord/dwellings/{world.dwelling_b1.id}").status_code == 404
    assert c.post(f"/landlord/tenancies/{rented['other'].id}/confirm").status_code == 404
    assert c.post(f"/landlord/tenancies/{rented['other'].id}/dispute", data={"reason": "not_my_tenant"}).status_code == 404
    assert db.session.get(Tenancy, rented["other"].id).confirmed_by_landlord_at is None


def test_confirm_a_tenancy_full_page_and_htmx(login, world, rented):
    c = login("landlord")
    r = c.post(f"/landlord/tenancies/{rented['a'].id}/confirm")
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Tenancy, rented["a"].id).confirmed_by_landlord_at is not None
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "tenancy.confirm")).one().user_id == world.users["landlord"].id
    fragment = c.post(f"/landlord/tenancies/{rented['b'].id}/confirm", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith(f'<li id="tenancy-{rented["b"].id}"') and "已确认" in fragment.text
    assert "<html" not in fragment.text
    assert "没有待您处理的事项" in c.get("/landlord/").text


def test_htmx_confirm_of_a_tenant_no_longer_present_removes_the_row(login, world, rented):
    """A refused confirmation of someone deregistered meanwhile: the row goes (was a 500)."""
    a = rented["people"][0]
    a.status = "left"
    db.session.commit()
    fragment = login("landlord").post(f"/landlord/tenancies/{rented['a'].id}/confirm", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and fragment.text.strip() == ""


def test_a_coordinator_cannot_confirm_for_a_landlord(login, world, rented):
    assert login("coordinator").post(f"/landlord/tenancies/{rented['a'].id}/confirm").status_code == 403
    assert login("admin").post(f"/landlord/tenancies/{rented['a'].id}/confirm").status_code == 403
    assert db.session.get(Tenancy, rented["a"].id).confirmed_by_landlord_at is None


def test_dispute_goes_to_the_queue_and_blocks_confirming(login, world, rented):
    c = login("landlord")
    r = c.post(f"/landlord/tenancies/{rented['b'].id}/dispute", data={"reason": "not_my_tenant", "note": "没见过此人"})
    assert r.status_code == 302
    change = db.session.scalars(select(ChangeRequest)).one()
    assert (change.kind, change.source, change.status, change.grid_id) == ("tenancy_dispute", "landlord", "pending",
                                                                            world.grid_a1.id)
    assert change.payload["dispute"] == "not_my_tenant" and change.person_id == rented["people"][1].id
    page = c.get(f"/landlord/dwellings/{world.dwelling_a1.id}").text
    assert "已报告，等待网格员处理" in page
    again = c.post(f"/landlord/tenancies/{rented['b'].id}/confirm", follow_redirects=True)
    assert "等待网格员处理" in again.text
    assert db.session.get(Tenancy, rented["b"].id).confirmed_by_landlord_at is None
    queue = login("coordinator").get("/grid/queue").text
    assert "房东异议：租住记录" in queue and "李四" in queue


def test_dispute_left_needs_a_date_and_keeps_input(login, world, rented):
    c = login("landlord")
    r = c.post(f"/landlord/tenancies/{rented['b'].id}/dispute", data={"reason": "left", "note": "三月走的"})
    assert r.status_code == 200 and "请填写搬走日期" in r.text and "三月走的" in r.text
    future = (local_today() + dt.timedelta(days=3)).isoformat()
    r = c.post(f"/landlord/tenancies/{rented['b'].id}/dispute", data={"reason": "left", "on": future})
    assert r.status_code == 200 and "日期不能在未来" in r.text
    assert db.session.scalars(select(ChangeRequest)).first() is None


def test_report_a_new_tenant_flagged_late(login, world, rented):
    c = login("landlord")
    moved_in = local_today() - dt.timedelta(days=settings.get("landlord.report_days") + 2)
    number = make_valid_id(seq=301)
    r = c.post(f"/landlord/dwellings/{world.dwelling_a1.id}/arrival",
               data={"name": "赵六", "id_number": number.lower(), "phone": "139 1234 5678", "room": "103",
                     "on": moved_in.isoformat()})
    assert r.status_code == 302
    change = db.session.scalars(select(ChangeRequest)).one()
    assert change.kind == "tenant_arrival" and change.person_id is None
    assert change.payload["id_number"] == number and change.payload["phone"] == "13912345678"
    assert change.payload["late_days"] == 2
    queue = login("coordinator").get("/grid/queue").text
    assert "房东报告：新租客" in queue and "逾期 2 天" in queue and number not in queue
    home = c.get("/landlord/").text
    assert "报告新租客：赵六" in home and "等待网格员处理" in home


def test_report_validation_keeps_input(login, world, rented):
    c = login("landlord")
    r = c.post(f"/landlord/dwellings/{world.dwelling_a1.id}/arrival",
               data={"name": "赵六", "id_number": "110101199203041230", "room": "103", "on": ""})
    assert r.status_code == 200
    assert "校验" in r.text or "不正确" in r.text
    assert 'value="赵六"' in r.text and 'value="103"' in r.text
    already = rented["people"][0].id_number
    r = c.post(f"/landlord/dwellings/{world.dwelling_a1.id}/arrival",
               data={"name": "张三", "id_number": already, "on": local_today().isoformat()})
    assert r.status_code == 200 and "此人已登记在该房屋" in r.text


def test_live_id_check_tells_form_only(login, world, rented):
    c = login("landlord")
    ok = c.post("/landlord/check-id", data={"id_number": rented["people"][2].id_number}).text
    assert "号码有效" in ok and "王五" not in ok and "留下" not in ok  # registered elsewhere: not told
    assert "error" in c.post("/landlord/check-id", data={"id_number": "12345"}).text


def test_departure_report_of_a_confirmed_tenant(login, world, rented):
    c = login("landlord")
    c.post(f"/landlord/tenancies/{rented['a'].id}/confirm")
    r = c.post(f"/landlord/tenancies/{rented['a'].id}/departure", data={"on": local_today().isoformat(),
                                                                        "destination": "回老家"})
    assert r.status_code == 302
    change = db.session.scalars(select(ChangeRequest)).one()
    assert change.kind == "tenant_departure" and change.payload["destination"] == "回老家"
    assert change.payload["late_days"] == 0


@pytest.fixture
def template(world):
    t = AgreementTemplate(version=1, title="出租房屋治安与流动人口服务管理责任书", body="一、出租人应当……\n二、租客入住 3 日内报告。")
    db.session.add(t)
    db.session.commit()
    return t


def test_unsigned_agreement_waits_then_sign_with_the_landlords_name(login, world, template):
    c = login("landlord")
    assert "签署责任书" in c.get("/landlord/").text
    url = f"/landlord/dwellings/{world.dwelling_a1.id}/agreement"
    page = c.get(url)
    assert page.status_code == 200 and "租客入住 3 日内报告" in page.text
    r = c.post(url, data={"name": "别人", "agree": "y"})
    assert r.status_code == 200 and "请输入您登记的姓名" in r.text
    r = c.post(url, data={"name": world.dwelling_a1.landlord.name})
    assert r.status_code == 200 and "请勾选已阅读并同意" in r.text
    r = c.post(url, data={"name": world.dwelling_a1.landlord.name, "agree": "y"}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert r.status_code == 302
    signed = db.session.scalars(select(Agreement)).one()
    assert (signed.signed_name, signed.signed_ip, signed.template_id) == (world.dwelling_a1.landlord.name, "10.1.2.3", template.id)
    copy = c.get(r.headers["Location"]).text
    assert "10.1.2.3" in copy and "第 1 版" in copy and "电子签名" in copy
    assert "签署责任书" not in c.get("/landlord/").text
    assert c.get(url).status_code == 302  # signed: to the copy
    staff = login("coordinator").get(f"/grid/dwellings/{world.dwelling_a1.id}/agreement")
    assert staff.status_code == 200 and "10.1.2.3" in staff.text


def test_a_version_that_asks_to_sign_again(login, world, template):
    from app.services.common.context import Actor
    from app.services.rental import agreements
    c = login("landlord")
    c.post(f"/landlord/dwellings/{world.dwelling_a1.id}/agreement", data={"name": world.dwelling_a1.landlord.name, "agree": "y"})
    admin = Actor(world.users["admin"].id, "admin")
    agreements.publish(admin, "责任书", "修订：错别字", resign_required=False)
    assert "签署责任书" not in c.get("/landlord/").text
    agreements.publish(admin, "责任书", "新增条款", resign_required=True)
    assert "签署责任书" in c.get("/landlord/").text


def test_no_template_means_nothing_to_sign(login, world):
    c = login("landlord")
    assert "签署责任书" not in c.get("/landlord/").text
    assert c.get(f"/landlord/dwellings/{world.dwelling_a1.id}/agreement").status_code == 404


def test_landlord_is_kept_out_of_staff_pages(login, world):
    c = login("landlord")
    for url in ("/grid/", "/grid/queue", "/grid/ledger", "/station/", "/admin/users"):
        assert c.get(url).status_code == 403, url
    assert c.get("/").headers["Location"].endswith("/landlord/")


NASTY = ["", "'; DROP TABLE person; --", "<script>alert(1)</script>", "x" * 5000, "２０２６－０１－０１", "-1", "🙂"]


@pytest.mark.parametrize("value", NASTY)
def test_landlord_forms_survive_nasty_values(login, world, rented, template, value):
    c = login("landlord")
    fields = {f: value for f in ("name", "id_number", "phone", "room", "on", "note", "reason", "destination", "agree",
                                 "password", "confirm")}
    for url in (f"/landlord/dwellings/{world.dwelling_a1.id}/arrival", f"/landlord/tenancies/{rented['a'].id}/dispute",
                f"/landlord/tenancies/{rented['b'].id}/departure", f"/landlord/dwellings/{world.dwelling_a1.id}/agreement",
                "/landlord/check-id", "/landlord/invite/" + "A" * 28):
        assert c.post(url, data=fields).status_code < 500, url
    staff = login("coordinator")
    for url in ("/grid/ledger?grid={0}&kind={0}&agreement={0}&page={0}".format(value[:50]),
                "/grid/sweep?grid={0}&show={0}".format(value[:50]), "/station/sweeps?end=" + value[:50]):
        assert staff.get(url).status_code < 500, url
    assert staff.post(f"/grid/sweep/{world.dwelling_a1.id}", data={"result": value, "note": value}).status_code < 500
    assert db.session.scalars(select(ChangeRequest)).first() is None
