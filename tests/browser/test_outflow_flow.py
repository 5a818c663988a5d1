"""An origin coordinator, on a phone, registers a resident who left with a left-behind
child, and sees the destination's notice arrive and confirm the record (the exchange
between two real deployments; county A is the destination)."""
from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from app.domain.idcard import make_id_number
from app.extensions import db
from app.models import InboxMessage, User
from app.services.common.context import Actor
from app.services.exchange import outbox
from app.services.registry import registration
from tests.exchange.conftest import pair  # noqa: F401  (the two deployments)

NUMBER = make_id_number("330106", dt.date(1989, 4, 12), 31)


def test_origin_registers_an_outflow_with_a_child_and_sees_the_feedback(phone, world, pair):  # noqa: F811
    page = phone.page
    shots = []

    def step(name):
        phone.shot(f"outflow-{len(shots) + 1:02d}-{name}")
        shots.append((name, phone.overflow(), phone.take_problems()))

    phone.log_in("coordinator")
    page.goto("/outflow/")
    expect(page.get_by_role("heading", name="流出人口")).to_be_visible()
    page.get_by_role("link", name="登记外出人员").click()
    expect(page).to_have_url(re.compile(r"/outflow/new$"))
    page.get_by_label("身份证号码", exact=True).fill(NUMBER)
    page.get_by_label("姓名", exact=True).fill("赵外出")
    page.get_by_label("外出日期").fill("2026-02-01")
    # The destination, level by level: each choice reloads the picker (htmx) before the next.
    for level, code in (("hukou_1", "44"), ("hukou_2", "4403"), ("hukou_3", "440305")):
        expect(page.locator(f"#{level} option[value='{code}']")).to_be_attached()
        phone.htmx_ready(f"#{level}")
        with page.expect_response(re.compile(r"/grid/pickers/hukou")):
            page.select_option(f"#{level}", code)
        expect(page.locator(f"#{level}")).to_have_value(code)
    expect(page.locator("#hukou_4 option[value='440305001']")).to_be_attached()
    page.select_option("#hukou_4", "440305001")
    page.get_by_label("外出原因").select_option("work")
    page.get_by_label("从事职业").fill("电子厂操作工")
    page.get_by_label("在外联系电话").fill("13811112222")
    page.get_by_label("家中联系人", exact=True).fill("赵父")
    page.get_by_label("家中联系人电话").fill("13911112222")
    step("form")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name=re.compile("赵外出"))).to_be_visible()
    expect(page.get_by_text("齐全", exact=True)).to_be_visible()
    expect(page.get_by_text(NUMBER)).to_have_count(0)  # masked

    page.get_by_text("添加留守儿童或老人").click()
    form = page.locator("#left-behind form")
    form.get_by_label("姓名").fill("赵小雨")
    form.get_by_label("出生日期").fill("2019-09-01")
    form.get_by_label("监护人 / 照料人").fill("赵奶奶")
    form.get_by_role("button", name="添加").click()
    expect(page.locator("#left-behind")).to_contain_text("赵小雨")
    expect(page.locator("#left-behind")).to_contain_text("留守儿童")
    step("record")

    # County A registers the same person; its notice reaches this county, which answers.
    with pair.at(pair.a):
        user = db.session.get(User, pair.a.user_id)
        registration.register(Actor(user.id, user.username), user, {
            "id_number": NUMBER, "name": "赵外出", "hukou_area_code": "330106002",
            "arrived_on": dt.date(2026, 2, 10)}, pair.a.grid_id)
        assert outbox.deliver()["sent"] == 1
    page.reload()
    expect(page.get_by_text("未确认")).to_have_count(0)
    expect(page.locator("ol.timeline")).to_contain_text("流入通报")
    expect(page.locator("ol.timeline")).to_contain_text("已在流出人口名册中")
    page.goto("/exchange/")
    expect(page.locator("#received")).to_contain_text("流入通报")
    step("work")
    outbox.deliver()  # this county's feedback goes back to A (unless the job runner sent it already)
    with pair.at(pair.a):
        assert db.session.scalars(db.select(InboxMessage.outcome)).one() == "linked"
    page.goto("/outflow/left-behind/child")
    expect(page.locator("h1 ~ ul.list")).to_contain_text("赵小雨")
    step("children")
    for name, overflow, problems in shots:
        assert not overflow, f"{name}: wider than the screen: {overflow}"
        assert not problems, f"{name}: {problems}"
