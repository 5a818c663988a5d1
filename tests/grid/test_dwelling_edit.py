"""Correcting a dwelling: address, kind, rooms and landlord, with optimistic locking,
scope, the audit log and what a new landlord means for accounts and agreements."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Agreement, AgreementTemplate, AuditLog, Dwelling, Landlord, Tenancy
from app.services.rental import ledger
from tests.conftest import make_valid_id


def url(dwelling):
    return f"/grid/dwellings/{dwelling.id}/edit"


def edit_form(d, **extra):
    data = {"version": str(d.version), "address": d.address, "kind": d.kind, "rooms": str(d.rooms or ""),
            "landlord_name": d.landlord.name if d.landlord else "",
            "landlord_phone": d.landlord.phone if d.landlord else "", "landlord_id_number": ""}
    data.update(extra)
    return data


def fresh(d):
    db.session.expire_all()
    return db.session.get(Dwelling, d.id)


def audits(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).all()


def test_the_dwelling_page_links_to_a_form_with_what_is_recorded(login, world):
    d = world.dwelling_a1
    d.landlord.id_number = make_valid_id(seq=401)
    db.session.commit()
    c = login("coordinator")
    assert url(d) in c.get(f"/grid/dwellings/{d.id}").text
    page = c.get(url(d))
    html = page.text
    assert page.status_code == 200 and "修改住所" in html
    assert 'value="文一路 1 号"' in html and f'value="{d.landlord.phone}"' in html and d.landlord.name in html
    assert d.landlord.id_number not in html and d.landlord.id_number[-4:] in html  # masked, as on the page
    assert "原房东的账号不再看到此住所" in html and "签署责任书" in html  # said before saving
    assert 'name="grid_id"' not in html  # the grid is not edited here


def test_edit_address_kind_and_rooms_with_audit_before_after(login, world):
    d = world.dwelling_a1
    old_version = d.version
    r = login("coordinator").post(url(d), data=edit_form(d, address="文一路 1 号 3 幢", kind="dormitory", rooms="12"))
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/grid/dwellings/{d.id}")
    d = fresh(d)
    assert (d.address, d.kind, d.rooms, d.grid_id) == ("文一路 1 号 3 幢", "dormitory", 12, world.grid_a1.id)
    assert d.version == old_version + 1
    entry = audits("dwelling.update")[0]
    assert (entry.entity, entry.entity_id, entry.user_id) == ("dwelling", d.id, world.users["coordinator"].id)
    assert entry.before["address"] == "文一路 1 号" and entry.after["address"] == "文一路 1 号 3 幢"
    assert (entry.before["kind"], entry.after["kind"], entry.before["rooms"], entry.after["rooms"]) == (
        "rental", "dormitory", 4, 12)
    assert "landlord_id" not in entry.after  # only what changed


def test_saving_unchanged_writes_nothing(login, world):
    d = world.dwelling_a1
    assert login("coordinator").post(url(d), data=edit_form(d)).status_code == 302
    assert fresh(d).version == world.dwelling_a1.version and audits("dwelling.update") == []


def test_a_posted_grid_is_ignored(login, world):
    d = world.dwelling_a1
    assert login("admin").post(url(d), data=edit_form(d, grid_id=str(world.grid_b1.id), rooms="5")).status_code == 302
    d = fresh(d)
    assert d.grid_id == world.grid_a1.id and d.rooms == 5


def test_a_stale_form_shows_both_versions_and_overwrites_nothing(login, world):
    d = world.dwelling_a1
    d.landlord.id_number = make_valid_id(seq=402)
    db.session.commit()
    opened = edit_form(d)
    mine, theirs = login("coordinator"), login("supervisor")
    assert theirs.post(url(d), data={**opened, "address": "文一路 1 号 东楼", "kind": "site_shed"}).status_code == 302
    r = mine.post(url(d), data={**opened, "address": "文一路 1 号 西楼", "rooms": "9"})
    html = r.text
    assert r.status_code == 200 and "已被他人更新" in html
    assert "文一路 1 号 东楼" in html and "文一路 1 号 西楼" in html  # theirs and mine
    assert "工地工棚" in html and "出租房屋" in html  # kinds by their names
    assert 'value="9"' in html  # the input is kept
    assert d.landlord.id_number not in html
    current = fresh(d)
    assert (current.address, current.kind, current.rooms) == ("文一路 1 号 东楼", "site_shed", 4)
    assert len(audits("dwelling.update")) == 1
    # the form now carries the version seen: saving again overwrites knowingly
    assert f'value="{current.version}"' in html
    again = mine.post(url(d), data={**opened, "version": str(current.version), "address": "文一路 1 号 西楼"})
    assert again.status_code == 302
    assert fresh(d).address == "文一路 1 号 西楼"


def test_a_version_that_cannot_be_read_counts_as_stale(login, world):
    d = world.dwelling_a1
    r = login("coordinator").post(url(d), data=edit_form(d, version="abc", address="别处"))
    assert r.status_code == 200 and "已被他人更新" in r.text
    assert fresh(d).address == "文一路 1 号"


@pytest.mark.parametrize("changes, message", [
    ({"address": "  "}, "请填写住所地址"),
    ({"rooms": "三间"}, "不是有效的整数"),
    ({"rooms": "0"}, "1 到 999"),
    ({"rooms": "1000"}, "1 到 999"),
    ({"kind": "castle"}, "不是有效的选择"),
    ({"landlord_phone": "12345"}, "手机号码应为 11 位"),
    ({"landlord_name": "", "landlord_phone": "13912345678"}, "请填写房东姓名"),
    ({"landlord_phone": ""}, "请填写手机号码"),
    ({"landlord_id_number": "110101199003070000"}, "校验位不正确"),
    ({"landlord_id_number": "12345"}, "应为 18 位"),
])
def test_bad_input_comes_back_with_the_reason_and_the_input(login, world, changes, message):
    d = world.dwelling_a1
    typed = {"address": "文一路 1 号 改", **changes}
    r = login("coordinator").post(url(d), data=edit_form(d, **typed))
    html = r.text
    assert r.status_code == 200 and message in html, html[-3000:]
    assert 'role="alert"' in html
    for name, value in typed.items():  # what was typed is in the form again (a select shows only its options)
        if value.strip() and name != "kind":
            assert f'value="{value}"' in html, name
    d = fresh(d)
    assert d.address == "文一路 1 号" and d.landlord.phone == world.dwelling_a1.landlord.phone
    assert audits("dwelling.update") == [] and db.session.scalar(select(func.count(Landlord.id))) == 2


def test_outside_scope_is_404_and_landlords_are_kept_out(login, world):
    d = world.dwelling_a1
    other = login("coordinator_b")
    assert other.get(url(d)).status_code == 404
    assert other.post(url(d), data=edit_form(d, address="被改了")).status_code == 404
    landlord = login("landlord")
    assert landlord.get(url(d)).status_code == 403
    assert landlord.post(url(d), data=edit_form(d, address="被改了")).status_code == 403
    assert login("health").get(url(d)).status_code == 403
    assert login("supervisor").get(url(world.dwelling_b1)).status_code == 404
    assert fresh(d).address == "文一路 1 号" and audits("dwelling.update") == []


@pytest.fixture
def tenancy(world):
    """A tenant of 文一路 1 号 whom its landlord confirmed."""
    p = world.person("张三", seq=1)
    t = Tenancy(person_id=p.id, dwelling_id=world.dwelling_a1.id, room="101", start_on=dt.date(2026, 1, 10),
                confirmed_by_landlord_at=dt.datetime(2026, 2, 1, 9, 0))
    db.session.add(t)
    db.session.commit()
    return t


def test_a_new_landlord_takes_the_dwelling_from_the_old_ones_account(login, world, tenancy):
    d = world.dwelling_a1
    old = login("landlord")
    assert "文一路 1 号" in old.get("/landlord/").text
    r = login("coordinator").post(url(d), data=edit_form(
        d, landlord_name="孙新东", landlord_phone="136 5555 7777", landlord_id_number=make_valid_id(seq=403)))
    assert r.status_code == 302
    d = fresh(d)
    new = d.landlord
    assert (new.name, new.phone, new.id_number) == ("孙新东", "13655557777", make_valid_id(seq=403))
    assert new.id != world.users["landlord"].landlord_id
    # the old landlord's account no longer sees the dwelling, its tenants or their tenancy
    home = old.get("/landlord/").text
    assert "文一路 1 号" not in home
    assert old.get(f"/landlord/dwellings/{d.id}").status_code == 404
    assert old.post(f"/landlord/tenancies/{tenancy.id}/dispute", data={"reason": "not_my_tenant"}).status_code == 404
    # the new landlord's account (after the invitation) does
    world.landlord_user("13655557777", new)
    db.session.commit()
    mine = login("13655557777")
    assert "文一路 1 号" in mine.get("/landlord/").text
    assert "张三" in mine.get(f"/landlord/dwellings/{d.id}").text
    # the confirmation stays as it was recorded
    assert db.session.get(Tenancy, tenancy.id).confirmed_by_landlord_at == dt.datetime(2026, 2, 1, 9, 0)
    entry = audits("dwelling.update")[0]
    assert entry.before["landlord_id"] == world.users["landlord"].landlord_id and entry.after["landlord_id"] == new.id
    assert audits("landlord.create")[0].entity_id == new.id
    follow = login("coordinator").get(f"/grid/dwellings/{d.id}").text
    assert "孙新东" in follow and "已开通" in follow  # the new landlord's account


def test_a_known_phone_picks_that_landlord(login, world):
    d, other = world.dwelling_a1, world.dwelling_b1.landlord
    assert login("admin").post(url(d), data=edit_form(d, landlord_name="随便写", landlord_phone=other.phone)).status_code == 302
    assert fresh(d).landlord_id == other.id and db.session.get(Landlord, other.id).name == other.name
    assert audits("landlord.create") == []


def test_the_same_phone_corrects_the_landlord_in_place(login, world):
    d = world.dwelling_a1
    landlord_id, opened = d.landlord_id, edit_form(d)
    c = login("coordinator")
    r = c.post(url(d), data={**opened, "landlord_name": "房东 文一", "landlord_id_number": make_valid_id(seq=404)})
    assert r.status_code == 302
    d = fresh(d)
    assert d.landlord_id == landlord_id
    assert (d.landlord.name, d.landlord.id_number) == ("房东 文一", make_valid_id(seq=404))
    entry = audits("landlord.update")[0]
    assert entry.entity_id == landlord_id and entry.after == {"name": "房东 文一", "id_number": make_valid_id(seq=404)}
    assert "文一路 1 号" in login("landlord").get("/landlord/").text  # the account keeps the dwelling
    # the correction is an edit of the dwelling: a form opened before it is stale
    assert d.version == int(opened["version"]) + 1
    r = c.post(url(d), data={**opened, "landlord_name": "房东文一"})
    assert r.status_code == 200 and "已被他人更新" in r.text
    assert fresh(d).landlord.name == "房东 文一"
    # a blank ID number keeps the one recorded
    assert c.post(url(d), data=edit_form(d, rooms="6")).status_code == 302
    assert fresh(d).landlord.id_number == make_valid_id(seq=404)


def test_blank_landlord_fields_leave_the_dwelling_without_one(login, world):
    """As on registration, where a dwelling of any kind may have no landlord."""
    d = world.dwelling_a1
    r = login("coordinator").post(url(d), data=edit_form(d, landlord_name="", landlord_phone=""))
    assert r.status_code == 302
    assert fresh(d).landlord_id is None and d.kind == "rental"
    assert "文一路 1 号" not in login("landlord").get("/landlord/").text


@pytest.fixture
def signed(world):
    """The agreement of 文一路 1 号, signed by its landlord."""
    template = AgreementTemplate(version=1, title="责任书", body="租客入住 3 日内报告。")
    db.session.add(template)
    db.session.flush()
    db.session.add(Agreement(dwelling_id=world.dwelling_a1.id, landlord_id=world.dwelling_a1.landlord_id,
                             template_id=template.id, signed_name=world.dwelling_a1.landlord.name))
    db.session.commit()
    return template


def test_a_new_landlord_signs_the_agreement_again(login, world, signed):
    d = world.dwelling_a1
    coordinator = login("coordinator")
    assert "已签署" in coordinator.get(f"/grid/dwellings/{d.id}").text
    r = coordinator.post(url(d), data=edit_form(d, landlord_name="孙新东", landlord_phone="13655557777"))
    assert r.status_code == 302
    page = coordinator.get(r.headers["Location"]).text
    assert "新房东需为此住所签署责任书" in page and "未签署" in page
    unsigned = ledger.page(world.users["coordinator"], filters={"agreement": "unsigned"})
    assert [row.dwelling.id for row in unsigned.items] == [d.id]
    world.landlord_user("13655557777", fresh(d).landlord)
    db.session.commit()
    new = login("13655557777")
    assert "签署责任书" in new.get("/landlord/").text
    sign = new.post(f"/landlord/dwellings/{d.id}/agreement", data={"name": "孙新东", "agree": "y"})
    assert sign.status_code == 302
    signatures = db.session.scalars(select(Agreement).order_by(Agreement.id)).all()
    assert [a.signed_name for a in signatures] == ["房东文一", "孙新东"]  # the first one kept
    assert "已签署" in coordinator.get(f"/grid/dwellings/{d.id}").text
    assert ledger.page(world.users["coordinator"], filters={"agreement": "unsigned"}).items == []
