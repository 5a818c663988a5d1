"""A background job's progress page on a phone: it follows the job with htmx polling,
without reloading, from running to done, and then links to the result. (The browser
tests' job runner, tests/browser/conftest.py, runs the job beside the live server.)
Screenshots: tests/artifacts/job-*.png."""
from __future__ import annotations

import threading

from playwright.sync_api import expect

from app.domain.text import N_, Message
from app.extensions import db
from app.services import jobs

release = threading.Event()


@jobs.register("test.browser", title=N_("重新统计报表数据"), max_attempts=1)
def browser_job(job):
    jobs.progress(job, 40, 120, Message(N_("正在统计各网格的数字")))
    release.wait(60)  # until the test has seen it running
    jobs.progress(job, 120, 120, Message(N_("各网格的数字已统计完毕")))
    return {"endpoint": "grid.home", "values": {}}


def test_the_progress_page_follows_the_job_to_its_result(phone, app, world):
    release.clear()
    app.config["JOBS_HEARTBEAT_SECONDS"] = 0.3
    try:
        job = jobs.enqueue("test.browser", {}, owner_id=world.users["coordinator"].id)
        db.session.commit()
        phone.log_in("coordinator")
        page = phone.page
        page.goto(f"/jobs/{job.id}")
        expect(page.locator(".job .tag")).to_have_text("进行中", timeout=30_000)
        expect(page.locator(".job progress")).to_be_visible()
        expect(page.locator(".job")).to_contain_text("正在统计各网格的数字")
        phone.shot("job-running")
        release.set()
        expect(page.locator(".job .tag")).to_have_text("已完成", timeout=30_000)
    finally:
        release.set()
        app.config["JOBS_HEARTBEAT_SECONDS"] = 3.0
    assert page.url.endswith(f"/jobs/{job.id}")  # updated in place, never reloaded
    link = page.get_by_role("link", name="查看结果")
    expect(link).to_be_visible()
    phone.shot("job-done")
    assert phone.overflow() is None
    assert phone.small_targets() == []
    assert phone.take_problems() == []
    link.click()
    page.wait_for_url("**/grid/")
