import datetime as dt

from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, Dwelling, Landlord, Movement, Person, Tenancy
from tests.conftest import make_valid_id


def form(world, **extra):
    data = {"id_number": make_valid_id(), "name": "赵六", "phone": "13912345678", "ethnicity": "01",
            "marital_status": "married", "education": "junior", "occupation": "快递员",
            "reason_for_coming": "work", "arrived_on": "2026-11-01", "expected_stay": "gt1y",
            "employer": "顺达快递", "grid_id": str(world.grid_a1.id), "dwelling_id": str(world.dwelling_a1.id),
            "room": "201", "hukou_1": "34", "hukou_2": "3412", "hukou_3": "341202"}
    data.update(extra)
    return data


def test_register_a_new_arrival(login, world):
    c = login("coordinator")
    r = c.post("/grid/people/new", data=form(world))
    assert r.status_code == 302
    p = db.session.scalars(select(Person).where(Person.name == "赵六")).one()
    assert p.id_number == make_valid_id()
    assert p.birth_date == dt.date(1992, 3, 4) and p.sex == "M"  # from the number
    assert p.hukou_area_code == "341202"
    assert p.dwelling_id == world.dwelling_a1.id and p.grid_id == world.grid_a1.id
    assert p.entered_at is not None and p.collected_at is not None
    assert db.session.scalars(select(Movement).where(Movement.person_id == p.id)).one().kind == "arrive"
    assert db.session.scalars(select(Tenancy).where(Tenancy.person_id == p.id)).one().end_on is None
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "person.register")).one()
    assert entry.entity_id == p.id and entry.user_id == world.users["coordinator"].id
    assert entry.after["name"] == "赵六" and entry.ip


def test_wrong_check_digit_shows_the_reason_and_keeps_what_was_typed(login, world):
    bad = make_valid_id()[:-1] + ("0" if make_valid_id()[-1] != "0" else "1")
    r = login("coordinator").post("/grid/people/new", data=form(world, id_number=bad))
    html = r.data.decode()
    assert r.status_code == 200
    assert "校验位不正确" in html
    assert bad in html and "顺达快递" in html and "快递员" in html
    assert db.session.scalar(select(Person.id)) is None


def test_lower_case_x_and_fifteen_digits_are_accepted(login, world):
    c = login("coordinator")
    c.post("/grid/people/new", data=form(world, id_number="11010519491231002x", name="甲"))
    c.post("/grid/people/new", data=form(world, id_number="110105491231003", name="乙"))
    numbers = set(db.session.scalars(select(Person.id_number)))
    assert numbers == {"11010519491231002X", "110105194912310038"}


def test_live_id_check_fragment(login, world):
    c = login("coordinator")
    r = c.post("/grid/people/check-id", data={"id_number": make_valid_id()}, headers={"HX-Request": "true"})
    html = r.data.decode()
    assert "号码有效" in html and "1992-03-04" in html
    assert 'id="birth_date"' in html and 'hx-swap-oob="true"' in html
    r = c.post("/grid/people/check-id", data={"id_number": "123"}, headers={"HX-Request": "true"})
    assert "应为 18 位" in r.data.decode()


def test_live_check_prefills_the_household_place_from_the_number(login, world):
    r = login("coordinator").post("/grid/people/check-id", data={"id_number": make_valid_id(region="330106")})
    html = r.data.decode()
    assert 'hx-swap-oob="outerHTML:#hukou-picker"' in html
    assert '<option value="330106" selected>' in html


def test_a_retired_address_code_warns_but_is_accepted(login, world):
    number = make_valid_id(region="342101")
    c = login("coordinator")
    html = c.post("/grid/people/check-id", data={"id_number": number}).data.decode()
    assert "已撤销的区划" in html
    assert c.post("/grid/people/new", data=form(world, id_number=number)).status_code == 302


def test_the_same_number_in_scope_stops_and_links_to_the_record(login, world):
    existing = world.person("张三", seq=5)
    c = login("coordinator")
    html = c.post("/grid/people/check-id", data={"id_number": existing.id_number}).data.decode()
    assert "已登记" in html and f"/grid/people/{existing.id}" in html
    r = c.post("/grid/people/new", data=form(world, id_number=existing.id_number))
    assert r.status_code == 200 and f"/grid/people/{existing.id}" in r.data.decode()
    assert db.session.scalar(select(db.func.count(Person.id))) == 1


def test_the_same_number_elsewhere_names_the_area_only_and_offers_a_transfer(login, world):
    elsewhere = world.person("王五", grid=world.grid_b1, seq=6, phone="13700000000")
    html = login("coordinator").post("/grid/people/new", data=form(world, id_number=elsewhere.id_number)).data.decode()
    assert "西溪街道 留下社区" in html
    assert "王五" not in html and "13700000000" not in html
    assert f"/grid/people/{elsewhere.id}" not in html
    assert "/grid/transfers" in html


def test_same_name_and_birth_date_warns_until_acknowledged(login, world):
    world.person("赵六", born=dt.date(1992, 3, 4), seq=9)
    c = login("coordinator")
    html = c.post("/grid/people/new", data=form(world)).data.decode()
    assert "同名同出生日期" in html
    r = c.post("/grid/people/new", data=form(world, accept_namesake="y"))
    assert r.status_code == 302
    assert db.session.scalar(select(db.func.count(Person.id))) == 2


def test_create_the_dwelling_and_landlord_inline(login, world):
    r = login("coordinator").post("/grid/people/new", data=form(
        world, dwelling_id="", address="学院路 88 号 2 幢", kind="rental", rooms="6",
        landlord_name="钱房东", landlord_phone="13655556666", landlord_id_number=make_valid_id(seq=301)))
    assert r.status_code == 302
    d = db.session.scalars(select(Dwelling).where(Dwelling.address == "学院路 88 号 2 幢")).one()
    assert d.landlord.name == "钱房东" and d.landlord.phone == "13655556666" and d.rooms == 6
    assert db.session.scalars(select(Person)).one().dwelling_id == d.id


def test_bad_landlord_phone_is_reported_on_its_field(login, world):
    r = login("coordinator").post("/grid/people/new", data=form(
        world, dwelling_id="", address="学院路 88 号", landlord_name="钱", landlord_phone="12345"))
    html = r.data.decode()
    assert r.status_code == 200 and "手机号码应为 11 位" in html and "学院路 88 号" in html
    assert db.session.scalar(select(Landlord.id).where(Landlord.name == "钱")) is None


def test_cannot_register_into_a_grid_outside_scope(login, world):
    r = login("coordinator").post("/grid/people/new", data=form(world, grid_id=str(world.grid_b1.id)))
    assert r.status_code == 200  # the select refuses an unknown choice
    assert db.session.scalar(select(Person.id)) is None


def test_arrival_date_in_the_future_is_refused(login, world):
    html = login("coordinator").post("/grid/people/new", data=form(world, arrived_on="2999-01-01")).data.decode()
    assert "不能在未来" in html


def test_a_child_without_an_id_number_linked_to_a_parent(login, world):
    parent = world.person("张三", seq=1)
    c = login("coordinator")
    r = c.post(f"/grid/people/new?relative_of={parent.id}&relation=child", data=form(
        world, id_number="", no_id_number="y", name="张小宝", birth_date="2025-06-01", sex="F"))
    assert r.status_code == 302
    child = db.session.scalars(select(Person).where(Person.name == "张小宝")).one()
    assert child.id_number is None and child.birth_date == dt.date(2025, 6, 1)
    page = c.get(f"/grid/people/{parent.id}").data.decode()
    assert "张小宝" in page and "子女" in page


def test_missing_id_without_the_checkbox_is_an_error(login, world):
    html = login("coordinator").post("/grid/people/new", data=form(world, id_number="")).data.decode()
    assert "请填写身份证号码" in html


def test_hukou_picker_cascades(login, world):
    c = login("coordinator")
    html = c.get("/grid/pickers/hukou?hukou_1=33&hukou_2=3301").data.decode()
    assert "西湖区" in html
    # changing the province drops the city that no longer belongs to it
    html = c.get("/grid/pickers/hukou?hukou_1=34&hukou_2=3301").data.decode()
    assert "西湖区" not in html and 'value="3412"' in html


def test_hukou_picker_without_javascript(login, world):
    html = login("coordinator").post("/grid/people/new", data=form(
        world, hukou_1="33", hukou_2="", hukou_3="", refresh_hukou="1")).data.decode()
    assert "杭州市" in html
    assert db.session.scalar(select(Person.id)) is None


def test_a_child_without_an_id_number_needs_birth_date_and_sex(login, world):
    html = login("coordinator").post("/grid/people/new", data=form(
        world, id_number="", no_id_number="y", name="无号宝宝")).data.decode()
    assert "无身份证号时请填写出生日期" in html and "无身份证号时请选择性别" in html
    assert db.session.scalar(select(Person.id)) is None


def test_lists_count_everything_when_nothing_is_filtered(login, world):
    for i in range(3):
        world.person(f"人{i}", seq=i + 1)
    c = login("admin")
    assert "共 3 人" in c.get("/grid/?status=all").data.decode()
    assert "共 2 处" in c.get("/grid/dwellings").data.decode()
    c.post("/grid/dwellings/new", data={"grid_id": str(world.grid_a1.id), "address": "新地址 1 号"})
    entries = db.session.scalar(select(db.func.count(AuditLog.id)))
    assert entries >= 2 and f"共 {entries} 条" in c.get("/admin/audit").data.decode()


def test_door_to_door_registers_the_next_person_at_the_same_dwelling(login, world):
    """Issue 21.7: from a dwelling's page the form has the dwelling; after saving, the next one."""
    c = login("coordinator")
    dwelling_page = c.get(f"/grid/dwellings/{world.dwelling_a1.id}").data.decode()
    link = f"/grid/people/new?grid={world.grid_a1.id}&amp;dwelling={world.dwelling_a1.id}"
    assert link in dwelling_page
    html = c.get(link.replace("&amp;", "&")).data.decode()
    assert f'<option selected value="{world.dwelling_a1.id}">' in html
    r = c.post("/grid/people/new", data={**form(world), "then": "next_here"})
    assert r.status_code == 302
    assert r.headers["Location"].endswith(f"/grid/people/new?grid={world.grid_a1.id}&dwelling={world.dwelling_a1.id}")
    html = c.get(r.headers["Location"]).data.decode()
    assert "已登记 赵六" in html and f'<option selected value="{world.dwelling_a1.id}">' in html
    # a dwelling of another grid is not chosen for you
    other = c.get(f"/grid/people/new?grid={world.grid_a1.id}&dwelling={world.dwelling_b1.id}").data.decode()
    assert '<option selected value="">' in other.split('name="dwelling_id"')[1]


def test_the_same_number_in_another_script_is_no_new_person(login, world):
    """٤20683… (Arabic-Indic 4) was accepted as a new person although 420683… existed."""
    number = make_valid_id(region="420683")
    world.person(grid=world.grid_b1, id_number=number)
    c = login("coordinator")
    wide = "４" + number[1:]
    html = c.post("/grid/people/new", data=form(world, id_number=wide)).data.decode()
    assert "西溪街道" in html  # the duplicate answer, naming the other area only
    arabic = "٤" + number[1:]
    r = c.post("/grid/people/new", data=form(world, id_number=arabic))
    assert r.status_code == 200 and "请勿使用其他文字的数字" in r.data.decode()
    assert arabic in r.data.decode()  # what was typed is kept
    assert db.session.scalars(select(Person.id_number)).all() == [number]
