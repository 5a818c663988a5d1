"""The progress page of a background job: its owner's only, a page or an htmx fragment that
polls itself while the job runs, a meta refresh without JavaScript, a link to the result."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import update

from app.domain.clock import utcnow
from app.extensions import db
from app.models import Job
from app.services import jobs
from app.services.jobs import queue

HTMX = {"HX-Request": "true"}


@pytest.fixture
def kinds():
    from app.domain.text import N_

    @jobs.register("test.page", title=N_("测试任务"), max_attempts=2)
    def page_job(job):
        jobs.progress(job, 4, 4)
        return job.payload.get("result")
    return page_job


def _job(world, owner="coordinator", **payload) -> Job:
    job = jobs.enqueue("test.page", payload, owner_id=world.users[owner].id)
    db.session.commit()
    return job


def test_the_owner_follows_the_progress_of_a_running_job(login, world, kinds):
    job = _job(world)
    handle = queue.claim("here:1:a", ["test.page"])
    handle.progress(30, 120, "正在检查第 %(n)d 行")
    handle.message_params = {"n": 30}
    with db.engine.connect() as conn:
        queue.beat(conn, handle)
    c = login("coordinator")
    page = c.get(f"/jobs/{job.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "测试任务" in html and "进行中" in html and "正在检查第 30 行" in html
    assert '<progress max="120" value="30">' in html and "（25%）" in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html  # without JavaScript
    assert f'hx-get="/jobs/{job.id}"' in html and 'hx-trigger="every 2s"' in html

    fragment = c.get(f"/jobs/{job.id}", headers=HTMX)
    body = fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    assert body.lstrip().startswith('<section class="card job"') and "<html" not in body
    assert 'hx-trigger="every 2s"' in body


def test_a_finished_job_stops_polling_and_links_to_its_result(login, world, kinds):
    job = _job(world, result={"endpoint": "grid.home", "values": {}})
    assert jobs.run_pending(kinds=["test.page"]) == 1
    c = login("coordinator")
    body = c.get(f"/jobs/{job.id}", headers=HTMX).get_data(as_text=True)
    assert "已完成" in body and "hx-trigger" not in body and "<progress" not in body
    assert 'href="/grid/"' in body and "查看结果" in body
    assert "http-equiv=\"refresh\"" not in c.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_a_job_that_asks_for_it_sends_the_user_to_its_result_when_done(login, world, kinds):
    job = _job(world, result={"url": "/grid/", "redirect": True})
    jobs.run_pending(kinds=["test.page"])
    c = login("coordinator")
    assert c.get(f"/jobs/{job.id}", headers=HTMX).headers["HX-Redirect"] == "/grid/"
    assert '<meta http-equiv="refresh" content="0;url=/grid/">' in c.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_a_failed_job_says_so_and_a_retry_says_when(login, world, kinds):
    job = _job(world)
    handle = queue.claim("here:1:a", ["test.page"])
    queue.fail(handle, "boom")
    c = login("coordinator")
    html = c.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "排队等待" in html and "上次尝试没有成功" in html and "第 2 次，共 2 次" in html
    assert "boom" not in html  # the error is for the admin (flask jobs list), not the page
    db.session.execute(update(Job).where(Job.id == job.id).values(run_after=utcnow()))
    db.session.commit()
    queue.fail(queue.claim("here:1:a", ["test.page"]), "boom")
    html = c.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "失败" in html and "任务没有完成，已尝试 2 次" in html and f"任务编号 {job.id}" in html
    assert "hx-trigger" not in html


def test_a_job_nobody_runs_says_the_runner_seems_down(login, world, kinds):
    job = _job(world)
    db.session.execute(update(Job).where(Job.id == job.id).values(run_after=utcnow() - dt.timedelta(minutes=5)))
    db.session.commit()
    assert "后台任务程序似乎没有在运行" in login("coordinator").get(f"/jobs/{job.id}").get_data(as_text=True)


def test_only_the_owner_sees_a_job(login, world, client, kinds):
    job = _job(world)
    for other in ("coordinator_b", "supervisor", "admin"):
        assert login(other).get(f"/jobs/{job.id}").status_code == 404
    assert login("coordinator").get(f"/jobs/{job.id + 1000}").status_code == 404
    assert client.get(f"/jobs/{job.id}").status_code == 302  # not logged in: to the login page


def test_my_jobs_lists_the_users_own_jobs_newest_first(login, world, kinds):
    mine = [_job(world), _job(world)]
    _job(world, owner="supervisor")
    html = login("coordinator").get("/jobs/").get_data(as_text=True)
    assert re.findall(r'href="/jobs/(\d+)"', html) == [str(mine[1].id), str(mine[0].id)]
    assert "还没有后台任务" in login("coordinator_b").get("/jobs/").get_data(as_text=True)


def test_the_page_in_english(login, world, kinds):
    job = _job(world)
    c = login("coordinator")
    c.post("/lang", data={"lang": "en", "next": "/"})
    html = c.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Queued" in html and "My background jobs" in html


def test_another_page_can_show_a_job_that_polls_as_a_card_with_its_heading(app, login, world, kinds):
    from flask import render_template_string
    from flask_login import login_user

    job = _job(world)
    with app.test_request_context():
        login_user(world.users["coordinator"])
        html = render_template_string('{% with v=describe_job(job), embedded=True %}{% include "core/_job.html" %}'
                                      '{% endwith %}', job=job)
    assert "<h2>测试任务</h2>" in html and f'hx-get="/jobs/{job.id}?embedded=1"' in html
    fragment = login("coordinator").get(f"/jobs/{job.id}?embedded=1", headers=HTMX).get_data(as_text=True)
    assert "<h2>测试任务</h2>" in fragment and "embedded=1" in fragment
    page = login("coordinator").get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "<h2>" not in page.split('class="card job"')[1]  # the page's h1 is its title
