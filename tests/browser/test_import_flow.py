"""A coordinator imports a damaged ledger on a phone: the dry run shows the bad rows,
the good ones are imported. Screenshots in tests/artifacts/import-*.png."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from app.extensions import db
from app.models import Person
from app.services.common.spreadsheet import Sheet, write_xlsx
from app.services.registry import import_samples as ledger_samples


def test_import_a_damaged_ledger_on_a_phone(phone, world, tmp_path):
    page = phone.page
    ledger = tmp_path / "文一社区台账.xlsx"
    ledger.write_bytes(write_xlsx([Sheet("台账", ledger_samples.SAMPLE_HEADERS, ledger_samples.sample_rows(),
                                         preamble=ledger_samples.SAMPLE_PREAMBLE)]).read())
    problems = []

    def step(name):
        problems.extend(phone.step(f"import-{name}"))

    phone.log_in("coordinator")
    page.locator(".menu summary").click()
    page.get_by_role("link", name="导入台账").click()
    expect(page.get_by_role("heading", name="导入人员台账")).to_be_visible()
    step("1-upload")
    page.get_by_label("台账文件（.xlsx、.xls 或 .csv）").set_input_files(str(ledger))
    with page.expect_navigation():
        page.get_by_role("button", name="上传").click()
    expect(page.get_by_role("heading", name="表头和列")).to_be_visible()
    expect(page.get_by_label("第 4 列：公民身份号码")).to_have_value("id_number")  # recognised from the header
    step("2-columns")
    with page.expect_navigation():
        page.get_by_role("button", name="试导入（不写入）").click()
    # The dry run runs in the background: its progress shows, then the page shows its result.
    summary = page.locator("#summary")
    expect(summary.get_by_role("heading", name="试导入结果")).to_be_visible()
    expect(summary).to_contain_text("身份证号被存成了数字")
    expect(summary).to_contain_text("与第 4 行是同一人")
    expect(summary.locator(".stats div").first).to_contain_text("7")
    step("3-dry-run")
    summary.screenshot(path=str(phone.artifacts / "import-3-dry-run-summary.png"))
    assert db.session.scalar(select(func.count(Person.id))) == 0
    with page.expect_navigation():
        page.get_by_role("button", name="导入 7 人").click()
    expect(page.get_by_role("heading", name="导入完成")).to_be_visible()
    expect(page.locator("#summary")).to_contain_text("导入 7 人")
    step("4-done")
    assert db.session.scalar(select(func.count(Person.id))) == 7
    page.get_by_role("link", name="查看人员").click()
    expect(page.locator("#results")).to_contain_text("张伟")
    assert not problems, "\n".join(problems)
