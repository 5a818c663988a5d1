"""Exporting the service work lists: current filters, all pages, masking, health results,
scope, audit."""
import datetime as dt

import pytest
from sqlalchemy import select

from app.domain import dates
from app.domain.clock import local_today
from app.extensions import db
from app.models import Appointment, AuditLog, Relation
from app.services.common.paging import Cursor
from app.services.health import appointments, appointments_export
from tests.grid.test_people_export import sheet_rows

TODAY = local_today()
MONDAY, SUNDAY = dates.week_bounds(TODAY)
DONE_DAY = MONDAY - dt.timedelta(days=10)  # a past day with one visit, done
URL = "/station/appointments/export.xlsx"


def due(person, service, on, status="planned", slot=None, **extra):
    a = Appointment(person_id=person.id, service_type_id=service.id, slot=slot or f"{on:%Y}-{person.id}",
                    due_on=on, status=status, **extra)
    db.session.add(a)
    db.session.commit()
    return a


@pytest.fixture
def scene(world, services):
    """A check-up due this week for people in grids A1 and A2 of township A and in township
    B; one overdue, one done with a result."""
    checkup, vaccination = services["health_checkup"], services["child_immunisation"]
    people = {
        "mum": world.person("王芳", seq=2, phone="13900001234", room="302"),
        "a2": world.person("赵六", grid=world.grid_a2, seq=4),
        "late": world.person("钱七", seq=6),
        "far": world.person("李四", grid=world.grid_b1, seq=5),
        "kid": world.person("王小宝", seq=3, born=TODAY - dt.timedelta(days=200)),
    }
    db.session.add(Relation(person_id=people["mum"].id, relative_id=people["kid"].id, relation="child"))
    due(people["mum"], checkup, SUNDAY, no_shows=2)
    due(people["a2"], checkup, SUNDAY)
    due(people["far"], checkup, MONDAY)
    due(people["late"], checkup, MONDAY - dt.timedelta(days=3))
    due(people["kid"], vaccination, SUNDAY, slot="HepB-1")
    due(people["kid"], vaccination, SUNDAY, slot="BCG")  # two doses, one visit: one line
    done = due(people["mum"], vaccination, DONE_DAY, status="done", done_on=DONE_DAY, outcome="given", note="左臂")
    return {**people, "checkup": checkup, "vaccination": vaccination, "done": done}


def last_export():
    return db.session.scalars(select(AuditLog).where(AuditLog.action == "appointment.export")
                              .order_by(AuditLog.id.desc())).first()


def by_name(rows):
    header = rows[0]
    return {r[header.index("姓名")]: dict(zip(header, r)) for r in rows[1:]}


def test_this_weeks_list_in_the_users_township_masked_and_audited(login, scene):
    rows = sheet_rows(login("health").get(URL))
    assert rows[0] == ["到期日期", "服务", "剂次 / 项目", "姓名", "身份证号码", "性别", "年龄", "电话", "网格", "住址",
                       "状态", "未到次数", "结果", "备注"]
    lines = by_name(rows)
    assert set(lines) == {"王芳", "赵六", "王小宝"}  # not township B's, not the overdue one
    mum = lines["王芳"]
    assert mum["身份证号码"] != scene["mum"].id_number and "********" in mum["身份证号码"]
    assert (mum["服务"], mum["电话"], mum["网格"], mum["住址"], mum["状态"], mum["未到次数"], mum["性别"]) == \
        ("免费健康体检", "13900001234", "文一社区 第1网格", "文一路 1 号 302", "待完成", 2, "女")
    assert mum["到期日期"].date() == SUNDAY and mum["年龄"] == dates.age_on(scene["mum"].birth_date, TODAY)
    assert lines["王小宝"]["电话"] == "13900001234"  # a child's: the parent's phone
    assert lines["王小宝"]["剂次 / 项目"] == "乙肝疫苗 第1剂、卡介苗" and lines["王小宝"]["年龄"] == 0
    assert lines["赵六"]["网格"] == "文一社区 第2网格"
    entry = last_export()
    assert entry.after == {"view": "week", "day": None, "grid_id": None, "type_id": None, "rows": 3,
                           "full_id_numbers": False, "results": True}
    assert entry.user_id is not None
    for secret in ("王芳", "13900001234", scene["mum"].id_number, "左臂"):
        assert secret not in str(entry.after)


def test_filters_select_the_same_rows_as_the_page(login, scene, world):
    health = login("health")
    grid_only = by_name(sheet_rows(health.get(f"{URL}?grid={world.grid_a2.id}")))
    assert set(grid_only) == {"赵六"}
    assert last_export().after["grid_id"] == world.grid_a2.id
    type_only = by_name(sheet_rows(health.get(f"{URL}?type={scene['vaccination'].id}")))
    assert set(type_only) == {"王小宝"}
    overdue = by_name(sheet_rows(health.get(f"{URL}?view=overdue")))
    assert set(overdue) == {"钱七"} and overdue["钱七"]["状态"] == "逾期"
    day = by_name(sheet_rows(health.get(f"{URL}?view=day&on={DONE_DAY.isoformat()}")))
    assert set(day) == {"王芳"} and day["王芳"]["状态"] == "已完成" and day["王芳"]["结果"] == "已接种"
    assert last_export().after["view"] == "day" and last_export().after["day"] == DONE_DAY.isoformat()
    # junk in the query string: the defaults, never a 500
    assert len(sheet_rows(health.get(f"{URL}?view=x&grid=abc&type=999999&on=nope"))) == 1


def test_every_page_is_exported_in_the_lists_order(login, scene, world):
    for i in range(45):
        due(world.person(f"测{i:02d}", seq=10 + i), scene["checkup"], MONDAY + dt.timedelta(days=i % 3))
    health = login("health")
    assert "共 48 人次" in health.get("/station/appointments").text  # three pages on screen
    rows = sheet_rows(health.get(URL))
    assert len(rows) == 1 + 48 and last_export().after["rows"] == 48
    keys = [(r[0], r[3]) for r in rows[1:]]
    assert keys == sorted(keys)  # by date, then name, as the list


def test_the_whole_list_read_in_chunks_is_every_page_in_order(scene, world):
    for i in range(30):
        due(world.person(f"测{i:02d}", seq=10 + i), scene["checkup"], MONDAY + dt.timedelta(days=i % 4))
    user = world.users["health"]
    whole = [v.ids for v in appointments.whole_work_list(user, "week", chunk=7)]
    first = appointments.work_list(user, "week")
    second = appointments.work_list(user, "week", cursor=Cursor(after=first.last_id))
    assert first.has_next and not second.has_next
    pages = [v.ids for page in (first, second) for v in page.items]
    assert len(whole) == 33 and whole == pages
    back = appointments.work_list(user, "week", cursor=Cursor(before=second.first_id))
    assert [v.ids for v in back.items] == [v.ids for v in first.items] and not back.has_prev


def test_health_results_only_with_results(scene, world):
    def export(with_results):
        e = appointments_export.work_list_rows(world.users["health"], "day", day=DONE_DAY, grid_id=None, type_id=None,
                                               full_ids=False, with_results=with_results, label=lambda t: t and str(t))
        return list(e.rows), e.counted[0]

    with_, n = export(True)
    assert n == 1 and with_[0][-2:] == ["已接种", "左臂"]
    without, _ = export(False)
    assert len(without[0]) == len(appointments_export.HEADERS) and "左臂" not in str(without)


def test_full_numbers_only_for_those_who_may_see_them(login, scene):
    number = scene["mum"].id_number
    assert number not in str(sheet_rows(login("health").get(f"{URL}?full=1")))
    assert last_export().after["full_id_numbers"] is False
    assert number in str(sheet_rows(login("supervisor").get(f"{URL}?full=1")))
    assert last_export().after["full_id_numbers"] is True


def test_another_townships_rows_are_never_exported(login, scene, world):
    far = world.users["health"]
    far.area = world.town_b
    db.session.commit()
    lines = by_name(sheet_rows(login("health").get(URL)))
    assert set(lines) == {"李四"}
    # township A's grid asked for by name: ignored (not one of the user's grids), still only B
    assert set(by_name(sheet_rows(login("health").get(f"{URL}?grid={world.grid_a1.id}")))) == {"李四"}
    assert login("coordinator").get(URL).status_code == 403


def test_the_list_page_links_to_the_export_with_its_filters(login, scene, world):
    html = login("health").get(f"/station/appointments?view=day&on={DONE_DAY}&grid={world.grid_a1.id}").text
    assert f"/station/appointments/export.xlsx?view=day&amp;grid={world.grid_a1.id}&amp;on={DONE_DAY}" in html
    assert "full=1" not in html
    assert "full=1" in login("supervisor").get("/station/appointments").text
    empty = login("health").get(f"/station/appointments?view=day&on={(TODAY + dt.timedelta(days=400)).isoformat()}")
    assert "没有需要办理的预约" in empty.text and "export.xlsx" not in empty.text


def test_formula_injection_is_neutralised(login, scene):
    scene["mum"].name = '=HYPERLINK("http://x")'
    db.session.commit()
    rows = sheet_rows(login("health").get(URL))
    assert any(str(r[3]).startswith("'=") for r in rows[1:])
