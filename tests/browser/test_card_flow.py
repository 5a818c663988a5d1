"""A migrant scans their card, fails the unlock once, unlocks, reports a move; the
coordinator accepts it; the person's address has changed and the audit log shows it."""
import cv2
import numpy as np
from playwright.sync_api import expect

from app.domain.clock import local_today
from app.extensions import db
from app.services.cards import issuing as cards
from app.services.common.context import Actor


def _card(world):
    world.town_a.address, world.town_a.phone, world.town_a.hours = "文一路 100 号", "0571-88001234", "周一至周五"
    person = world.person("张小明", seq=3, phone="13812345678")
    issued = cards._new(Actor.cli(), person)
    db.session.commit()
    return person, issued


def test_scan_unlock_report_and_accept(phone, world):
    person, issued = _card(world)
    page = phone.page
    page.goto(f"/C/{issued.token}")
    expect(page.get_by_text("张*明")).to_be_visible()
    expect(page.get_by_text("0571-88001234")).to_be_visible()
    phone.shot("card-1-public")

    page.get_by_label("身份证号后 4 位").fill("0000")
    page.get_by_role("button", name="查看本人信息").click()
    expect(page.get_by_text("后 4 位不正确")).to_be_visible()
    phone.shot("card-2-wrong")

    page.get_by_label("身份证号后 4 位").fill(person.id_number[-4:])
    page.get_by_role("button", name="查看本人信息").click()
    expect(page.get_by_text("张小明")).to_be_visible()
    expect(page.get_by_text("文一路 1 号")).to_be_visible()
    phone.shot("card-3-unlocked")

    page.get_by_text("我搬家了").click()
    page.get_by_label("新住址").fill("学院路 5 号 101")
    page.get_by_label("搬入日期").fill(local_today().isoformat())
    page.locator("form[action$='/report/address'] button").click()
    expect(page.get_by_text("已提交，待审核")).to_be_visible()
    assert phone.overflow() is None
    phone.shot("card-4-reported")
    assert phone.take_problems() == []

    phone.log_in("coordinator")
    page.goto("/grid/queue")
    expect(page.get_by_text("学院路 5 号 101")).to_be_visible()
    phone.shot("card-5-queue")
    page.get_by_role("link", name="处理").click()
    expect(page.get_by_label("新住所地址")).to_have_value("学院路 5 号 101")
    phone.shot("card-6-review")
    page.get_by_role("button", name="接受并更新记录").click()
    expect(page.get_by_text("已接受并更新记录")).to_be_visible()

    page.goto(f"/grid/people/{person.id}")
    expect(page.get_by_text("学院路 5 号 101").first).to_be_visible()
    phone.shot("card-7-person")
    assert phone.take_problems() == []

    page.context.clear_cookies()
    phone.log_in("admin")
    page.goto("/admin/audit?entity=person")
    expect(page.get_by_text("person.move").first).to_be_visible()
    phone.shot("card-8-audit")


def test_printed_qr_code_scans_to_the_card(phone, world):
    person = world.person("扫码人", seq=7)
    cards.issue_on_registration(Actor.cli(), person)
    db.session.commit()
    page = phone.page
    page.set_viewport_size({"width": 1000, "height": 1200})
    phone.log_in("coordinator")
    page.goto("/grid/cards")
    page.get_by_role("button", name="打印").first.click()
    qr = page.locator("img.qr").first
    expect(qr).to_be_visible()
    png = qr.screenshot()
    image = cv2.imdecode(np.frombuffer(png, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    # a quiet zone around it, as on paper
    image = cv2.copyMakeBorder(image, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
    url = cv2.QRCodeDetector().detectAndDecode(image)[0]
    assert url.startswith("HTTP://127.0.0.1:") and "/C/" in url, url
    page.goto(url.lower().split("/c/")[0] + "/C/" + url.split("/C/")[1])
    expect(page.get_by_text("扫*人")).to_be_visible()


WAIT_FOR_COPY = """async (path) => {
    for (let i = 0; i < 100; i++) {
      const cache = await caches.open("anju-cards-1");
      if (await cache.match(path)) return true;
      await new Promise((done) => setTimeout(done, 100));
    }
    return false;
}"""


def test_card_page_seen_once_stays_readable_offline(profile_phone, world):
    person, issued = _card(world)
    phone = profile_phone
    page = phone.page
    page.goto(f"/c/{issued.token}")
    expect(page.get_by_text("张*明")).to_be_visible()
    # The first visit, before any worker controls the page, is the one kept (issue 21).
    assert page.evaluate(WAIT_FOR_COPY, f"/c/{issued.token}")  # no reload, no second visit
    page.context.set_offline(True)
    try:
        page.goto(f"/c/{issued.token}")
        expect(page.get_by_text("离线副本，最后更新于")).to_be_visible()
        expect(page.get_by_text("张*明")).to_be_visible()
        expect(page.get_by_text("0571-88001234")).to_be_visible()
        phone.shot("card-offline")
    finally:
        page.context.set_offline(False)
    page.goto(f"/c/{issued.token}")
    # once unlocked, personal data is never kept for offline use
    page.get_by_label("身份证号后 4 位").fill(person.id_number[-4:])
    page.get_by_role("button", name="查看本人信息").click()
    expect(page.get_by_text("张小明")).to_be_visible()
    cached = page.evaluate("""async () => {
        const cache = await caches.open("anju-cards-1");
        const hits = await Promise.all((await cache.keys()).map((r) => cache.match(r).then((x) => x.text())));
        return hits.join("\\n");
    }""")
    assert "张*明" in cached and "张小明" not in cached


class WireCounter:
    """Bytes the server sends (status line, headers, body as sent: compressed when asked),
    for every request whoever makes it: the page, its files, the service worker's own."""

    def __init__(self, app):
        self.inner, self.requests = app.wsgi_app, []

    def __call__(self, environ, start_response):
        row = {"path": environ["PATH_INFO"], "bytes": 0}
        self.requests.append(row)

        def start(status, headers, exc_info=None):
            row["bytes"] += len(f"HTTP/1.1 {status}\r\n") + sum(len(f"{k}: {v}\r\n") for k, v in headers) + 2
            return start_response(status, headers, exc_info)

        for chunk in self.inner(environ, start):
            row["bytes"] += len(chunk)
            yield chunk

    @property
    def total(self) -> int:
        return sum(r["bytes"] for r in self.requests)


def test_a_first_scan_costs_under_10_kb_and_fetches_nothing_of_the_staff_app(phone, world, app, monkeypatch):
    """Issue 24: the card page registers its own small worker, which caches only the card
    page and its own files; the staff shell (htmx, app.css) is never fetched."""
    _, issued = _card(world)
    counter = WireCounter(app)
    monkeypatch.setattr(app, "wsgi_app", counter)
    page = phone.page
    page.goto(f"/C/{issued.token}")
    expect(page.get_by_text("张*明")).to_be_visible()
    assert page.evaluate(WAIT_FOR_COPY, f"/C/{issued.token}")
    scope = page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r && r.scope)")
    assert scope.endswith("/C/")
    paths = [r["path"] for r in counter.requests]
    assert "/card-sw.js" in paths and "/sw.js" not in paths
    assert not [p for p in paths if "htmx" in p or "app." in p or p == "/offline"], paths
    print(f"first scan: {counter.total} bytes in {len(paths)} requests: {counter.requests}")
    assert counter.total <= 10 * 1024, counter.requests
    assert phone.take_problems() == []
