"""The app can be installed on a phone's home screen (a PWA) from Chromium.

A headless browser never shows the install prompt, so this checks what the prompt depends
on: the web manifest and its icons, a service worker that registers and becomes active for
the whole site, Chromium's own installability verdict (DevTools ``Page.getInstallabilityErrors``),
and that the worker answers a navigation with the offline page when the network is gone.
"""
from __future__ import annotations

import struct

from playwright.sync_api import expect


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", body[16:24])


def test_manifest_has_what_installing_needs(phone):
    api = phone.page.context.request
    response = api.get("/manifest.webmanifest")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()

    assert manifest["name"] and manifest["short_name"]
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/")
    assert api.get(manifest["start_url"]).status == 200  # the login page, after a redirect
    assert manifest.get("scope", "/") == "/"
    assert manifest["id"] == "/"  # stays the same app if start_url ever changes

    for size in (192, 512):
        icons = [i for i in manifest["icons"] if f"{size}x{size}" in i["sizes"].split()
                 and "any" in i.get("purpose", "any").split()]
        assert icons, f"no {size}x{size} icon for purpose 'any'"
        icon = api.get(icons[0]["src"])
        assert icon.status == 200 and icon.headers["content-type"] == "image/png"
        assert png_size(icon.body()) == (size, size)

    maskable = [i for i in manifest["icons"] if "maskable" in i.get("purpose", "").split()]
    assert maskable, "no maskable icon"
    for entry in maskable:
        body = api.get(entry["src"]).body()
        assert_inside_safe_zone(body)


def assert_inside_safe_zone(png: bytes) -> None:
    """A maskable icon fills its square (no transparent corners) and everything drawn on the
    background lies inside the safe zone: a circle of 40 % of the size around the centre."""
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_UNCHANGED)
    height, width = image.shape[:2]
    if image.shape[2] == 4:
        assert image[:, :, 3].min() == 255, "transparent pixels: a mask would show the launcher's colour"
    background = image[0, 0, :3].astype(int)
    drawn = np.abs(image[:, :, :3].astype(int) - background).sum(axis=2) > 30
    ys, xs = np.nonzero(drawn)
    farthest = np.hypot(xs - (width - 1) / 2, ys - (height - 1) / 2).max()
    assert farthest <= 0.4 * width, f"drawn {farthest:.0f} px from the centre; the safe zone is {0.4 * width:.0f} px"


def test_service_worker_registers_and_chromium_finds_the_app_installable(profile_phone, base_url):
    phone = profile_phone
    page = phone.page
    sw = page.context.request.get("/sw.js")
    assert sw.status == 200
    assert "javascript" in sw.headers["content-type"]

    page.goto("/auth/login")
    assert page.locator("link[rel=manifest]").get_attribute("href") == "/manifest.webmanifest"
    registration = page.evaluate("""async () => {
        const reg = await navigator.serviceWorker.ready;
        const worker = reg.active;
        if (worker.state !== "activated") {
          await new Promise((done) => worker.addEventListener("statechange",
            () => worker.state === "activated" && done()));
        }
        return {scope: reg.scope, script: worker.scriptURL, state: worker.state};
    }""")
    assert registration == {"scope": base_url + "/", "script": base_url + "/sw.js", "state": "activated"}

    # Chromium's own checks, the ones behind its install prompt and menu entry.
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == base_url + "/manifest.webmanifest"
    assert manifest["errors"] == []
    installability = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert installability == [], installability

    # Without a network, a page opened from the home screen shows the cached offline page.
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    try:
        page.goto("/grid/people/new")
        expect(page.get_by_role("heading", name="网络未连接")).to_be_visible()
        phone.shot("pwa-offline")
        # 重试 loads the page that failed again, not the start page
        retry = page.get_by_role("link", name="重试")
        assert retry.evaluate("(a) => a.href") == base_url + "/grid/people/new"
    finally:
        page.context.set_offline(False)
    with page.expect_navigation():
        retry.click()
    assert "/grid/people/new" in page.url  # the login page, on its way back there
    assert phone.take_problems() == []
