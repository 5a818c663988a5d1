"""A coordinator imports a damaged outflow ledger on a phone, from the outflow list: the
dry run says row by row what will happen, the good rows are imported in the background.
Screenshots in tests/artifacts/outflow-import-*.png."""
from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect
from sqlalchemy import func, select

from app.domain.idcard import make_id_number
from app.extensions import db
from app.models import Outflow
from tests.outflow.test_outflow_import import damaged_ledger


def test_import_a_damaged_outflow_ledger_on_a_phone(phone, world, tmp_path):
    page = phone.page
    ledger = tmp_path / "文一社区流出人口台账.xlsx"
    ledger.write_bytes(damaged_ledger(make_id_number("330106", dt.date(1990, 4, 4), 41)))
    problems = []

    def step(name):
        problems.extend(phone.step(f"outflow-import-{name}"))

    phone.log_in("coordinator")
    page.goto("/outflow/")
    page.get_by_role("link", name="导入台账").last.click()
    expect(page.get_by_role("heading", name="导入流出人口台账")).to_be_visible()
    step("1-upload")
    page.get_by_label("台账文件（.xlsx、.xls 或 .csv）").set_input_files(str(ledger))
    with page.expect_navigation():
        page.get_by_role("button", name="上传").click()
    expect(page.get_by_role("heading", name="表头和列")).to_be_visible()
    expect(page.get_by_label("第 4 列：离开日期")).to_have_value("left_on")  # the ledger's own header names
    expect(page.get_by_label("第 5 列：外出地址")).to_have_value("destination")
    step("2-columns")
    with page.expect_navigation():
        page.get_by_role("button", name="试导入（不写入）").click()
    summary = page.locator("#summary")
    expect(summary.get_by_role("heading", name="试导入结果")).to_be_visible()
    expect(summary).to_contain_text("校验位")
    expect(summary).to_contain_text("未能对应到行政区划")
    expect(summary).to_contain_text("不在您的管辖范围")
    step("3-dry-run")
    assert db.session.scalar(select(func.count(Outflow.id))) == 0
    with page.expect_navigation():
        page.get_by_role("button", name="导入 4 人").click()
    expect(page.get_by_role("heading", name="导入完成")).to_be_visible()
    step("4-done")
    assert db.session.scalar(select(func.count(Outflow.id))) == 4
    page.get_by_role("link", name="查看流出人口").click()
    expect(page.locator("#results")).to_contain_text("赵一")
    assert not problems, "\n".join(problems)
