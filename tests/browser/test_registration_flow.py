"""A coordinator registers a newcomer on a phone and finds them again (the issue's flow).

Everything is asserted on what the user sees; a full-page screenshot of each step is saved
in tests/artifacts/flow-*.png.
"""
from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from app.domain.idcard import make_id_number

NEWCOMER = "欧阳晓梅"


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def test_register_a_newcomer_with_live_id_check_then_find_them(phone, world):
    page = phone.page
    world.person("张三", seq=1)  # someone else in the grid: the search must tell them apart
    world.person("李四", seq=2)
    good = make_id_number("110101", dt.date(1992, 3, 4), 124)  # 124: even sequence → female
    bad = wrong_check_digit(good)
    steps = []

    def step(name):
        phone.shot(f"flow-{len(steps) + 1:02d}-{name}")
        steps.append((name, phone.overflow(), phone.take_problems()))

    # 1. Log in as the coordinator.
    page.goto("/auth/login")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    step("login")
    phone.log_in("coordinator")
    expect(page.get_by_role("heading", name="我的网格")).to_be_visible()
    step("my-grids")

    # 2. Open "登记新来人员" from the work list.
    page.get_by_role("link", name="登记新来人员").click()
    expect(page).to_have_url(re.compile(r"/grid/people/new$"))
    expect(page.get_by_role("heading", name="登记新来人员")).to_be_visible()

    # 3. A wrong check digit is reported while typing, before saving.
    id_box = page.get_by_label("身份证号码", exact=True)
    id_box.press_sequentially(bad)
    feedback = page.locator("#id-feedback")
    expect(feedback).to_contain_text("校验位不正确")
    expect(feedback.get_by_role("alert")).to_be_visible()
    step("id-wrong-check-digit")

    # 4. Corrected: the error goes, the birth date and sex are read from the number.
    id_box.fill("")
    id_box.press_sequentially(good)
    expect(feedback).not_to_contain_text("校验位不正确")
    expect(feedback).to_contain_text("号码有效")
    expect(page.locator("#birth_date")).to_have_value("1992-03-04")
    expect(page.locator("#sex option:checked")).to_have_text("女")
    step("id-valid")

    # 5. Name and where they live; then save.
    page.get_by_label("姓名", exact=True).fill(NEWCOMER)
    page.get_by_label("手机号码", exact=True).fill("13912345678")
    page.get_by_label("现住所", exact=True).select_option(label="文一路 1 号")
    page.get_by_label("房间号", exact=True).fill("302")
    step("form-filled")
    page.get_by_role("button", name="保存登记").click()

    # 6. The person's page, with a confirmation.
    expect(page).to_have_url(re.compile(r"/grid/people/\d+$"))
    expect(page.get_by_role("status")).to_contain_text(f"已登记 {NEWCOMER}")
    expect(page.get_by_role("heading", name=NEWCOMER)).to_be_visible()
    expect(page.locator("main")).to_contain_text("文一路 1 号")
    expect(page.locator("main")).not_to_contain_text(good)  # the full number stays masked
    step("registered")

    # 7. Back on the work list, active search finds them (and nobody else).
    page.get_by_role("link", name="返回列表").click()
    expect(page.get_by_role("heading", name="我的网格")).to_be_visible()
    results = page.locator("#results")
    expect(results).to_contain_text("张三")
    search = page.locator("#q")
    search.press_sequentially("欧阳", delay=30)
    expect(results).to_contain_text(NEWCOMER)
    expect(results).not_to_contain_text("张三")
    expect(results).to_contain_text("1 人")
    assert "欧阳" not in page.url  # the search text travels in the POST body, not the URL
    step("search-found")

    page.locator("#results").get_by_role("link", name=re.compile(NEWCOMER)).click()
    expect(page.get_by_role("heading", name=NEWCOMER)).to_be_visible()

    problems = [f"{name}: {issue}" for name, overflow, errors in steps
                for issue in ([overflow] if overflow else []) + errors]
    assert not problems, "\n".join(problems)
