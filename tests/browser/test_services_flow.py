"""A health worker on a phone (360 x 740): opens the overdue list, records a result, and
the person's next due date moves; then a child's vaccination visit, all doses at once."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.domain import dates
from app.domain.clock import local_today
from app.extensions import db
from app.models import Appointment, Relation, ServiceType
from app.services.common.context import Actor
from app.services.health import planning

TODAY = local_today()
MONTH = dates.first_of_month(TODAY)


def _appointment(person, code):
    return db.session.scalars(select(Appointment).join(Appointment.service_type).where(
        Appointment.person_id == person.id, ServiceType.code == code).order_by(Appointment.id)).first()


@pytest.fixture
def overdue(world, services):
    """A woman whose quarterly check-up was yesterday, and a baby whose doses are overdue."""
    mum = world.person("周小燕", seq=2, born=dt.date(1991, 4, 9), phone="13912340000")
    baby = world.person("周安安", seq=3, born=TODAY - dt.timedelta(days=130), arrived_on=TODAY - dt.timedelta(days=60))
    db.session.add(Relation(person_id=mum.id, relative_id=baby.id, relation="child"))
    db.session.commit()
    planning.plan_month(Actor.cli(), MONTH, today=TODAY)
    for person, code in ((mum, "health_checkup"), (baby, "child_immunisation")):
        for a in db.session.scalars(select(Appointment).join(Appointment.service_type).where(
                Appointment.person_id == person.id, ServiceType.code == code)):
            a.due_on = TODAY - dt.timedelta(days=1)
    db.session.commit()
    return mum, baby


def _fits(phone, name):
    phone.shot(name)
    problems = phone.take_problems()
    overflow = phone.overflow()
    if overflow:
        problems.append(overflow)
    return [f"{name}: {p}" for p in problems]


def test_recording_a_result_moves_the_next_due_date(phone, overdue):
    mum, _ = overdue
    page = phone.page
    phone.log_in("health")
    page.goto("/station/services")
    page.get_by_role("link", name="逾期未完成").first.click()
    expect(page.locator("main h1")).to_have_text("逾期未完成")
    problems = _fits(phone, "services-overdue-list")
    row = page.locator(".list li", has_text="周小燕").filter(has_text="免费健康体检")
    expect(row).to_be_visible()
    row.get_by_role("link").click()
    expect(page.locator("main h1")).to_contain_text("周小燕")
    expect(page.locator(".tag.late").first).to_be_visible()
    problems += _fits(phone, "services-appointment")
    page.get_by_label("结果").select_option(label="未见异常")
    page.get_by_label("备注").fill("血压正常")
    with page.expect_navigation():
        page.get_by_role("button", name="保存结果").click()
    next_period = dates.add_months_to_first(MONTH, 3 - (MONTH.month - 1) % 3)
    expect(page.locator(".flash")).to_contain_text(f"已登记 周小燕 的免费健康体检。 下次：{next_period:%Y-%m}")
    expect(page.locator("main h1")).to_have_text("逾期未完成")  # back on the list it came from
    expect(page.locator(".list li", has_text="周小燕").filter(has_text="免费健康体检")).to_have_count(0)
    problems += _fits(phone, "services-after-result")

    page.goto(f"/station/people/{mum.id}")
    checkup = page.locator("section.card", has=page.get_by_role("heading", name="免费健康体检"))
    expect(checkup).to_contain_text(f"下次：{next_period:%Y-%m} 起")
    expect(checkup).to_contain_text("已完成")
    expect(checkup.locator(".tag.late")).to_have_count(0)
    problems += _fits(phone, "services-person-after")
    assert _appointment(mum, "health_checkup").status == "done"
    assert not problems, "\n".join(problems)


def test_a_childs_visit_records_every_dose_and_shows_the_next(phone, overdue):
    _, baby = overdue
    page = phone.page
    phone.log_in("health")
    page.goto(f"/station/people/{baby.id}")
    vaccination = page.locator("section.card", has=page.get_by_role("heading", name="儿童免疫规划疫苗接种"))
    expect(vaccination.locator(".tag.late").first).to_be_visible()
    vaccination.get_by_role("link").first.click()
    expect(page.get_by_role("group", name="同时登记")).to_be_visible()
    problems = _fits(phone, "services-vaccination-visit")
    page.get_by_label("结果").select_option(label="已接种")
    with page.expect_navigation():
        page.get_by_role("button", name="保存结果").click()
    expect(page.locator(".flash")).to_contain_text("已登记 周安安 的儿童免疫规划疫苗接种。 下次：")
    doses = db.session.scalars(select(Appointment).where(Appointment.person_id == baby.id)).all()
    assert {a.status for a in doses} == {"done"}
    # born 130 days ago, nothing given before: catching up, the next visit is four weeks on
    expected = max(a.done_on for a in doses) + dt.timedelta(days=28)
    expect(page.locator(".flash")).to_contain_text(expected.isoformat())
    problems += _fits(phone, "services-person-child-after")
    assert not problems, "\n".join(problems)
