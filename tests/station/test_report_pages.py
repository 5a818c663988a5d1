"""The report pages as supervisors and admins see them: figures, links down to the
lists, scope, exports."""
import datetime as dt
import io
import re

import openpyxl
import pytest

from app.domain.clock import local_today, utcnow
from app.domain.months import Month
from app.extensions import db
from app.models import Card, ChangeRequest, SweepVisit, Tenancy


@pytest.fixture
def town(world):
    """Grid A1: 4 people (one without a printed card, one entered late), estimate 5;
    grid B1 (the other township): one person with a faulty ID number."""
    now = utcnow()
    people = []
    for i, name in enumerate(["赵一", "钱二", "孙三", "李四"]):
        people.append(world.person(name, seq=i + 1, hukou_area_code="341202001", entered_at=now,
                                   collected_at=now - dt.timedelta(hours=30 if i == 3 else 2)))
    for p in people[:3]:
        db.session.add(Card(person_id=p.id, token_hash=f"t{p.id}", code_hash=f"c{p.id}", printed_at=now))
    db.session.add(Tenancy(person_id=people[0].id, dwelling_id=world.dwelling_a1.id, start_on=local_today(),
                           confirmed_by_landlord_at=now))
    db.session.add(Tenancy(person_id=people[1].id, dwelling_id=world.dwelling_a1.id, start_on=local_today()))
    world.grid_a1.estimated_population = 5
    odd = world.person("周五", grid=world.grid_b1, seq=9, hukou_area_code="341202001")
    odd.id_number = "110101900101123"  # an old 15-digit number, kept as it was typed
    db.session.add(ChangeRequest(kind="phone", source="migrant", person_id=people[0].id, grid_id=world.grid_a1.id,
                                 payload={}, created_at=now - dt.timedelta(days=30)))
    db.session.commit()
    return {"people": people, "odd": odd}


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_dashboard_shows_each_rate_against_its_target(login, world, town):
    page = text(login("supervisor").get("/station/kpi"))
    assert "统计指标 · 北山街道" in page
    assert "80.0%" in page and "在册 4 / 估计 5" in page  # registration: 4 of 5, below 95 %
    assert "75.0%" in page and "持卡 3 / 在册 4" in page  # cards: 3 of 4, below 90 %
    assert "50.0%" in page and "已确认 1 / 租住 2" in page
    assert "24 小时内录入率" in page and "按时 3 / 录入 4" in page
    assert page.count("▼ 低于目标") == 5  # the four above, and sweep coverage: 0 of 1 dwelling visited
    assert "已走访 0 / 住所 1" in page
    assert "近 12 个月" in page and "<svg" in page


def test_every_figure_links_down_to_its_list(login, world, town):
    c = login("supervisor")
    page = c.get("/station/kpi").get_data(as_text=True)
    link = re.search(r'href="(/station/kpi/cards/missing\?[^"]+)"', page).group(1).replace("&amp;", "&")
    listing = text(c.get(link))
    assert "未持卡人员" in listing and "李四" in listing and "赵一" not in listing
    assert "342101********" in listing  # masked ID numbers
    detail = text(c.get("/station/kpi/cards"))
    assert "第1网格" in detail and "持卡人员 (3)" in detail and "未持卡人员 (1)" in detail
    late = text(c.get("/station/kpi/entry/missing"))
    assert "李四" in late and "采集后 30 小时录入" in late


def test_scope_supervisors_see_their_township_only(login, world, town):
    c = login("supervisor")
    assert c.get(f"/station/kpi?area={world.town_b.id}").status_code == 404
    assert c.get(f"/station/quality/id_nonstandard?area={world.grid_b1.id}").status_code == 404
    assert c.get(f"/station/kpi?area={world.comm_a.id}").status_code == 200
    admin = login("admin")
    page = text(admin.get("/station/kpi"))
    assert "西湖区" in page and "北山街道" in page and "西溪街道" in page
    assert "周五" in text(admin.get(f"/station/quality/id_nonstandard?area={world.town_b.id}"))
    assert "周五" not in text(c.get("/station/quality/id_nonstandard"))


def test_bad_arguments_fall_back_or_404(login, world, town):
    c = login("admin")
    for url in ("/station/kpi?month=2026-13", "/station/kpi?month=9999-01", "/station/kpi?area=abc",
                "/station/monthly?month=x", "/station/quality?area=-1", "/station/kpi?area=99999999999999999"):
        assert c.get(url).status_code == 200, url
    for url in ("/station/kpi/nope", "/station/kpi/cards/nope", "/station/quality/nope",
                "/station/kpi?area=99999999"):
        assert c.get(url).status_code == 404, url


def test_quality_monitor_counts_and_fix_links(login, world, town):
    admin = login("admin")
    page = text(admin.get("/station/quality"))
    assert "身份证号码不规范" in page and "待审核超期" in page
    listing = admin.get(f"/station/quality/id_nonstandard?area={world.town_b.id}").get_data(as_text=True)
    assert f'/grid/people/{town["odd"].id}/edit' in listing and "15 位旧号码" in listing
    pending = admin.get("/station/quality/pending_overdue").get_data(as_text=True)
    assert "/grid/queue/" in pending and "已等待 30 天" in pending


def test_records_not_visited_open_the_sweep_of_their_dwelling(login, world):
    long_ago = utcnow() - dt.timedelta(days=400)
    visited = world.person("郑六", seq=11, entered_at=long_ago)
    world.person("王七", seq=12, entered_at=long_ago, dwelling=None, grid=world.grid_a2)
    world.person("冯八", seq=13, entered_at=utcnow())  # too recent to count
    last = Month.of(local_today()).shift(-4)
    db.session.add(SweepVisit(dwelling_id=world.dwelling_a1.id, grid_id=world.grid_a1.id, month=last.first,
                              result="no_change"))
    db.session.commit()
    admin = login("admin")
    assert "住所多月未走访" in text(admin.get("/station/quality"))
    listing = text(admin.get("/station/quality/not_visited"))
    assert "郑六" in listing and "王七" in listing and "冯八" not in listing
    assert f"住所最近一次走访：{last.key}" in listing and "未登记住所" in listing
    link = f"/grid/sweep?grid={world.grid_a1.id}#sweep-{world.dwelling_a1.id}"
    assert listing.count("/grid/sweep?") == 1 and link in listing  # 王七 has no dwelling: his row opens him
    assert f"/grid/people/{visited.id}" in listing
    sweep = login("coordinator").get(link.split("#")[0]).get_data(as_text=True)
    assert f'id="sweep-{world.dwelling_a1.id}"' in sweep
    sheet = openpyxl.load_workbook(io.BytesIO(admin.get("/station/quality/not_visited/export.xlsx").data)).active
    assert sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True)) == sorted(["郑六", "王七"])


def test_lists_export_to_xlsx_with_masked_numbers(login, world, town):
    c = login("supervisor")
    r = c.get("/station/kpi/registration/counted/export.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(r.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("姓名", "身份证号")
    assert sorted(r[0] for r in rows[1:]) == sorted(["赵一", "钱二", "孙三", "李四"])
    assert all("*" in r[1] for r in rows[1:])
    quality = openpyxl.load_workbook(io.BytesIO(login("admin").get(
        "/station/quality/id_nonstandard/export.xlsx").data)).active
    assert [r[0] for r in quality.iter_rows(min_row=2, values_only=True)] == ["周五"]


def test_monthly_report_is_a_print_page(login, world, town):
    c = login("supervisor")
    month = Month.of(local_today())
    page = text(c.get(f"/station/monthly?month={month.key}"))
    assert "流动人口服务管理统计月报" in page and "填报单位：北山街道" in page
    assert "月末在册人数" in page and "主要指标" in page and "数据质量" in page and "审核人" in page
    assert "data-print" in page
    last = text(c.get("/station/monthly"))  # the last month by default
    assert month.shift(-1).first.strftime("%Y") in last


def test_refresh_counts_again(login, world, town):
    c = login("supervisor")
    c.get("/station/kpi")
    world.person("新人", seq=20, entered_at=utcnow(), collected_at=utcnow())
    assert "在册 4 / 估计 5" in text(c.get("/station/kpi"))  # kept for 10 minutes
    r = c.post("/station/kpi/refresh")
    assert r.status_code == 302
    assert "在册 5 / 估计 5" in text(c.get(r.headers["Location"]))


def test_htmx_and_health_workers(login, world, town):
    assert login("health").get("/station/kpi").status_code == 403
    assert login("coordinator").get("/station/quality").status_code == 403
