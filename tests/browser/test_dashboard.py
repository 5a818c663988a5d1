"""The KPI dashboard and the other report pages in Chromium, on a phone (360 × 740) and
on a desktop screen (1280 × 800): they render, fit the width, keep touch targets, and a
chart leads down to its list. Screenshots: tests/artifacts/report-*.png."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from app.domain.clock import utcnow
from app.extensions import db
from app.models import Card, Dwelling

SIZES = {"phone": (360, 740), "desktop": (1280, 800)}


@pytest.fixture
def township(world):
    """Two grids of township A with people, cards and estimates; one card unprinted,
    one entry late, one record with a bad check character."""
    now = utcnow()
    d2 = Dwelling(grid_id=world.grid_a2.id, address="文一西路 998 号海创园 5 号楼 2 单元 1203 室")
    db.session.add(d2)
    db.session.commit()
    names = ["司马相如", "欧阳晓梅", "张三", "李四", "王五", "赵六"]
    people = [world.person(n, seq=i + 1, grid=world.grid_a1 if i < 3 else world.grid_a2,
                           dwelling=world.dwelling_a1 if i < 3 else d2, hukou_area_code="341202001",
                           entered_at=now, collected_at=now - dt.timedelta(hours=40 if i == 2 else 1))
              for i, n in enumerate(names)]
    for p in people[1:]:
        db.session.add(Card(person_id=p.id, token_hash=f"t{p.id}", code_hash=f"c{p.id}", printed_at=now))
    people[-1].id_number = people[-1].id_number[:17] + ("0" if people[-1].id_number[17] != "0" else "1")
    world.grid_a1.estimated_population, world.grid_a2.estimated_population = 3, 4
    db.session.commit()
    return people


def check(phone, name: str, width: int) -> list[str]:
    phone.shot(name)
    problems = []
    overflow = phone.overflow(width)
    if overflow:
        problems.append(overflow)
    small = phone.small_targets()
    if small:
        problems.append("touch targets under 44 px: " + "; ".join(small))
    return [f"{name}: {p}" for p in problems + phone.take_problems()]


def sign_in(phone, size: str, username: str):
    """The page at ``size``, signed in; its width and what went wrong so far."""
    width, height = SIZES[size]
    phone.page.set_viewport_size({"width": width, "height": height})
    phone.log_in(username)
    return phone.page, width, phone.take_problems()


@pytest.mark.parametrize("size", list(SIZES))
def test_dashboard_renders_and_a_chart_leads_to_its_list(phone, township, size):
    page, width, problems = sign_in(phone, size, "supervisor")

    page.goto("/station/kpi")
    expect(page.get_by_role("heading", name=re.compile("统计指标 · 北山街道"))).to_be_visible()
    tiles = page.locator(".kpi-tile")
    expect(tiles).to_have_count(5)  # the four rates and sweep coverage (no service types here)
    expect(tiles.first).to_contain_text("85.7%")  # 6 on record of 7 estimated
    expect(tiles.nth(1)).to_contain_text("持卡 5 / 在册 6")
    expect(page.locator("svg.spark").first).to_be_visible()
    problems += check(phone, f"report-{size}-dashboard", width)

    # The card rate's tile opens its detail: a trend line and a bar per community.
    tiles.nth(1).get_by_role("link", name="发卡率", exact=True).click()
    expect(page).to_have_url(re.compile(r"/station/kpi/cards\?"))
    trend = page.locator("svg.trend")
    expect(trend).to_be_visible()
    expect(trend.locator("title")).to_have_text("发卡率近 12 个月的变化")
    problems += check(phone, f"report-{size}-detail", width)

    # A bar of the chart leads to the list behind its figure.
    page.locator(".bar-row .bar-figure").first.click()
    expect(page.get_by_role("heading", name="未持卡人员")).to_be_visible()
    expect(page.locator(".fix-list")).to_contain_text("司马相如")
    expect(page.locator(".fix-list")).not_to_contain_text("欧阳晓梅")
    problems += check(phone, f"report-{size}-list", width)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", list(SIZES))
def test_quality_monitor_and_monthly_report(phone, township, size):
    page, width, problems = sign_in(phone, size, "admin")

    page.goto("/station/quality")
    expect(page.get_by_role("heading", name=re.compile("数据质量 · 西湖区"))).to_be_visible()
    problems += check(phone, f"report-{size}-quality", width)
    page.get_by_role("link", name=re.compile("身份证号码校验位错误")).first.click()
    expect(page.locator(".fix-list")).to_contain_text("赵六")
    problems += check(phone, f"report-{size}-quality-list", width)
    with page.expect_navigation():
        page.get_by_role("link", name="修改").click()
    expect(page).to_have_url(re.compile(rf"/grid/people/{township[-1].id}/edit$"))

    page.goto("/station/monthly")
    expect(page.get_by_role("heading", name="流动人口服务管理统计月报")).to_be_visible()
    problems += check(phone, f"report-{size}-monthly", width)
    page.emulate_media(media="print")
    phone.shot(f"report-{size}-monthly-print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.get_by_role("button", name="打印")).to_be_hidden()
    page.emulate_media(media="screen")
    assert not problems, "\n".join(problems)


def test_english_dashboard_fits_a_phone(phone, township):
    phone.log_in("supervisor")
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name="English").click()
    problems = phone.take_problems()
    for name, url in (("dashboard", "/station/kpi"), ("detail", "/station/kpi/entry"), ("quality", "/station/quality"),
                      ("monthly", "/station/monthly")):
        phone.page.goto(url)
        problems += check(phone, f"report-en-{name}", 360)
    expect(phone.page.get_by_role("heading", name="Floating population services: monthly statistical report")).to_be_visible()
    assert not problems, "\n".join(problems)


def test_the_exchange_figures_on_the_dashboard_fit_a_phone(phone, township, world):
    """Two away residents of township A, one with the four knowns and inquired about: the
    exchange's tiles show 50 % against their targets, in red, and lead to the outflow list."""
    from app.domain.idcard import make_id_number
    from app.models import Outflow
    for seq, complete in ((71, True), (72, False)):
        db.session.add(Outflow(id_number=make_id_number("330106", dt.date(1985, 1, 1), seq), name=f"外出{seq}",
                               grid_id=world.grid_a1.id, left_on=dt.date(2026, 1, 1),
                               reason="work" if complete else None, dest_area_code="440305001", occupation="工人",
                               phone="13800000000", inquired_at=utcnow() if complete else None))
    db.session.commit()
    page, width, problems = sign_in(phone, "phone", "supervisor")
    page.goto("/station/kpi")
    tiles = page.locator("#exchange-kpis .kpi-tile")
    expect(tiles).to_have_count(3)
    expect(tiles.nth(1)).to_contain_text("50.0%")
    expect(tiles.nth(1)).to_contain_text("目标 ≥ 90%")
    expect(tiles.nth(1)).to_have_class(re.compile(r"\bbelow\b"))
    expect(tiles.nth(0)).to_contain_text("无数据")  # no notices received
    tiles.nth(1).scroll_into_view_if_needed()
    problems += check(phone, "report-phone-exchange-kpis", width)
    tiles.nth(2).get_by_role("link", name="“四知”齐全率", exact=True).click()
    expect(page).to_have_url(re.compile(r"/outflow/$"))
    assert not problems, "\n".join(problems)
