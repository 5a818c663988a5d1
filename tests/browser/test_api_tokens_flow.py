"""The admin makes an integration token on a phone, copies it once, the integration calls
the API with it, and the admin revokes it."""
from __future__ import annotations

from playwright.sync_api import expect


def test_admin_makes_uses_and_revokes_a_token(phone, world):
    page = phone.page
    phone.log_in("admin")
    page.goto("/admin/api-tokens")
    page.get_by_role("link", name="新建令牌").click()
    page.get_by_label("对接系统名称").fill("区卫健局免疫规划系统")
    page.get_by_label("权限").select_option("read")
    page.get_by_label("可访问的区域").select_option(label="　北山街道（330106002）")
    with page.expect_navigation():
        page.get_by_role("button", name="创建令牌").click()
    expect(page.get_by_role("heading", name="令牌已创建")).to_be_visible()
    secret = page.locator("#token-secret").inner_text().strip()
    assert secret.startswith("anju_")
    phone.shot("admin-api-token-created")

    api = page.context.request
    calls = api.get("/api/v1/changes?since=2026-01-01T00:00:00Z",
                    headers={"Authorization": f"Bearer {secret}"})
    assert calls.status == 200 and calls.json()["changes"] == []

    page.get_by_role("link", name="已复制，返回列表").click()
    expect(page.get_by_text("区卫健局免疫规划系统")).to_be_visible()
    expect(page.get_by_text(secret)).to_have_count(0)  # never shown again
    phone.shot("admin-api-tokens")
    page.get_by_role("button", name="撤销").click()
    expect(page.get_by_text("已撤销", exact=True)).to_be_visible()
    assert api.get("/api/v1/changes?since=2026-01-01T00:00:00Z",
                   headers={"Authorization": f"Bearer {secret}"}).status == 401
    assert phone.take_problems() == []
