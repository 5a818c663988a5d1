"""A search (an htmx request) that fails says so: a stale CSRF token renews itself, a
server error or a lost connection shows a message (issue 14.5)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

# The requests these tests break are routed by Playwright, which does not see the requests
# of a page its service worker controls: without it, the worker's first control of the page
# raced with the routed request.
pytestmark = pytest.mark.browser_context_args(service_workers="block")


def _search(page, text):
    page.locator("#q").fill(text)


def test_a_stale_token_after_signing_in_again_elsewhere_renews_itself(phone, world):
    world.person("张三", seq=1)
    world.person("李四", seq=2)
    page = phone.page
    phone.log_in("coordinator")
    page.goto("/grid/")
    expect(page.get_by_text("共 2 人")).to_be_visible()
    # The same user signs in again in another tab: the session, and its CSRF secret, are new.
    other = page.context.new_page()
    other.goto("/grid/")
    other.locator("details.menu > summary").click()
    with other.expect_navigation():
        other.get_by_role("button", name="退出").click()
    type(phone)(other, phone.artifacts, phone.password).log_in("coordinator")
    other.close()
    failures = []
    page.on("response", lambda r: failures.append(r.status) if r.status == 400 else None)
    _search(page, "李")
    expect(page.get_by_text("“李”：1 人")).to_be_visible()
    assert failures == [400]  # the stale token was refused once, then renewed and sent again
    expect(page.locator("#request-problem")).to_be_hidden()
    _search(page, "张")  # and the renewed token keeps working
    expect(page.get_by_text("“张”：1 人")).to_be_visible()
    assert failures == [400]
    phone.take_problems()  # the refused request is logged by the browser as a failed resource


def test_a_token_that_cannot_be_renewed_asks_to_reload(phone, world):
    page = phone.page
    phone.log_in("coordinator")
    page.goto("/grid/")
    page.route("**/grid/**", lambda route: route.fulfill(
        status=400, headers={"X-CSRF-Token": "still-wrong"}, body="x") if route.request.method == "POST"
        else route.continue_())
    _search(page, "李")
    problem = page.locator("#request-problem")
    expect(problem).to_contain_text("页面已过期，请刷新页面")
    expect(problem.get_by_role("button", name="刷新页面")).to_be_visible()
    phone.shot("request-expired")
    page.unroute("**/grid/**")
    with page.expect_navigation():
        problem.get_by_role("button", name="刷新页面").click()
    expect(problem).to_be_hidden()
    phone.take_problems()


def test_a_server_error_or_a_lost_connection_is_shown_and_cleared_by_the_next_success(phone, world):
    world.person("李四", seq=2)
    page = phone.page
    phone.log_in("coordinator")
    page.goto("/grid/")
    page.route("**/grid/**", lambda route: route.fulfill(status=500, body="boom")
               if route.request.method == "POST" else route.continue_())
    _search(page, "李")
    problem = page.locator("#request-problem")
    expect(problem).to_contain_text("操作没有成功（错误 500）")
    page.unroute("**/grid/**")
    page.route("**/grid/**", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    _search(page, "李四")
    expect(problem).to_contain_text("网络连接失败")
    expect(problem.get_by_role("button", name="刷新页面")).to_be_hidden()  # only a stale page needs a reload
    phone.shot("request-offline")
    page.unroute("**/grid/**")
    _search(page, "李")
    expect(page.get_by_text("“李”：1 人")).to_be_visible()
    expect(problem).to_be_hidden()
    assert phone.overflow() is None
    phone.take_problems()
