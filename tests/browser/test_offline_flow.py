"""Working without a signal (issue 16), in Debian's Chromium at 360 × 740.

A coordinator goes offline, registers three people and marks two sweep visits, reloads
the page while offline (the queue survives), goes online: the outbox is sent by itself,
with an Idempotency-Key each. One of the three had an ID number registered meanwhile by
another coordinator: it comes back under 同步失败 with the reason and its input intact.
A sync cut off after the server saved (the phone never heard the answer) and sent again
registers nobody twice. Signing out empties the phone's store."""
from __future__ import annotations

import re
import socket

from playwright.sync_api import expect
from sqlalchemy import func, select

from app.extensions import db
from app.models import Dwelling, Person, SweepVisit
from tests.conftest import make_valid_id

KEPT = """async (paths) => {
    for (let i = 0; i < 150; i++) {
      const cache = await caches.open("anju-pages");
      const keys = (await cache.keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search);
      if (paths.every((p) => keys.includes(p))) return keys;
      await new Promise((done) => setTimeout(done, 100));
    }
    return null;
}"""

STORE = """async () => {
    const names = (await indexedDB.databases()).map((d) => d.name);
    if (!names.includes("anju-offline")) return {db: false, keys: [], caches: await caches.keys()};
    const keys = await new Promise((done, fail) => {
      const open = indexedDB.open("anju-offline");
      open.onsuccess = () => {
        const conn = open.result;
        if (!conn.objectStoreNames.contains("kv")) { conn.close(); return done([]); }
        const req = conn.transaction("kv").objectStore("kv").getAllKeys();
        req.onsuccess = () => { conn.close(); done(req.result); };
        req.onerror = () => fail(req.error);
      };
      open.onerror = () => fail(open.error);
    });
    return {db: true, keys, caches: await caches.keys()};
}"""


HAS_DIVISIONS = """() => new Promise((done) => { const open = indexedDB.open("anju-offline");
    open.onsuccess = () => { const conn = open.result;
      if (!conn.objectStoreNames.contains("kv")) { conn.close(); return done(false); }
      const r = conn.transaction("kv").objectStore("kv").get("divisions");
      r.onsuccess = () => { conn.close(); done(!!r.result); }; };
    open.onerror = () => done(false); })"""


def ready_to_register_offline(page) -> None:
    """The registration form's page has its service worker and the division names (for the
    household place filled from an ID number). Polled here: ``wait_for_function`` takes the
    promise an async check returns for a truthy answer and does not wait for it."""
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    for _ in range(200):
        if page.evaluate(HAS_DIVISIONS):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the division names never reached the phone")


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def register_offline(page, number: str, name: str) -> None:
    id_box = page.get_by_label("身份证号码", exact=True)
    id_box.fill("")
    id_box.press_sequentially(number)
    expect(page.locator("#id-feedback")).to_contain_text("号码有效")
    # the household place is filled on the phone from the number's address code
    expect(page.locator("#hukou_3")).to_have_value(number[:6])
    page.get_by_label("姓名", exact=True).fill(name)
    page.get_by_label("手机号码", exact=True).fill("13912345678")
    page.get_by_label("现住所", exact=True).select_option(label="文一路 1 号")
    page.get_by_role("button", name="保存登记").first.click()
    expect(page.locator("#offline-bar")).to_contain_text(f"已保存到本机，联网后自动同步：{name}")


def queue_one_offline(phone, name: str, seq: int) -> None:
    """Signed in as the coordinator, one registration saved on the phone while offline."""
    page = phone.page
    phone.log_in("coordinator")
    page.goto("/grid/people/new")
    assert page.evaluate(KEPT, ["/grid/people/new"])
    ready_to_register_offline(page)
    page.context.set_offline(True)
    page.reload()
    register_offline(page, make_valid_id(seq=seq), name)


def go_online_and_wait(page, text: str) -> None:
    page.context.set_offline(False)
    expect(page.locator("#offline-bar [data-count]")).to_have_text(text, timeout=20_000)


def test_offline_registrations_and_visits_sync_once_and_refusals_keep_their_input(phone, world):
    page = phone.page
    second = Dwelling(grid_id=world.grid_a1.id, address="文一路 2 号", kind="rental", rooms=2,
                      landlord=world.dwelling_a1.landlord)
    db.session.add(second)
    db.session.commit()
    taken = make_valid_id(seq=131)
    phone.log_in("coordinator")
    page.goto("/grid/sweep")
    expect(page.locator("#offline-bar")).to_contain_text("在线")
    assert page.evaluate(KEPT, ["/grid/", "/grid/people/new", f"/grid/sweep?grid={world.grid_a1.id}"]), (
        page.evaluate("caches.open('anju-pages').then((c) => c.keys()).then((k) => k.map((r) => r.url))"),
        phone.take_problems())
    page.goto("/grid/people/new")
    ready_to_register_offline(page)

    # -- offline: three registrations, two sweep visits
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#offline-bar")).to_contain_text("离线")
    page.get_by_label("身份证号码", exact=True).press_sequentially(make_valid_id(seq=135)[:-1] + "0")
    expect(page.locator("#id-feedback")).to_contain_text("校验位不正确")  # checked on the phone
    register_offline(page, make_valid_id(seq=133), "离线甲")
    register_offline(page, taken, "离线乙")
    register_offline(page, make_valid_id(seq=137), "离线丙")
    phone.shot("offline-register")
    page.goto(f"/grid/sweep?grid={world.grid_a1.id}")
    for dwelling in (world.dwelling_a1, second):
        page.locator(f"#sweep-{dwelling.id}").get_by_role("button", name="已走访：无变化").click()
        expect(page.locator(f"#sweep-{dwelling.id}")).to_contain_text("待同步")
    page.reload()  # still offline: the outbox survives
    expect(page.locator("#offline-bar [data-count]")).to_have_text("待同步 5 条")
    expect(page.locator(f"#sweep-{second.id}")).to_contain_text("待同步")
    phone.shot("offline-sweep")
    assert count(Person) == 0 and count(SweepVisit) == 0

    # Meanwhile another coordinator registers one of them in their own township.
    world.person("别处登记", grid=world.grid_b1, id_number=taken)

    # -- online again: the outbox goes by itself
    go_online_and_wait(page, "待同步 0 条 · 同步失败 1 条")
    assert count(Person, Person.name.in_(["离线甲", "离线丙"])) == 2
    assert count(Person, Person.name == "离线乙") == 0 and count(SweepVisit) == 2
    # the household place was filled on the phone from the number's address code
    assert db.session.scalar(select(Person.hukou_area_code).where(Person.name == "离线甲")) == "110101"
    expect(page.locator(f"#sweep-{second.id}")).to_contain_text("已同步")
    failed = page.locator("#offline-bar li.failed")
    expect(failed).to_contain_text("离线乙")
    expect(failed).to_contain_text("西溪街道")  # the area's name and the transfer request, as the form says
    phone.shot("offline-failed")
    failed.get_by_role("link", name="修改").click()
    expect(page).to_have_url(re.compile(r"/grid/people/new#offline-edit="))
    expect(page.get_by_label("姓名", exact=True)).to_have_value("离线乙")
    expect(page.get_by_label("身份证号码", exact=True)).to_have_value(taken)
    expect(page.get_by_label("手机号码", exact=True)).to_have_value("13912345678")
    expect(page.get_by_label("现住所", exact=True)).to_have_value(str(world.dwelling_a1.id))
    assert phone.take_problems() == []


def test_a_sync_cut_off_after_the_server_saved_registers_nobody_twice(phone, world, app, monkeypatch):
    page = phone.page
    queue_one_offline(phone, "断线者", 141)

    # The server saves it, then the connection drops before the phone hears the answer.
    heard = []

    def cut_off(environ, start_response):
        if environ["REQUEST_METHOD"] != "POST" or not environ.get("HTTP_IDEMPOTENCY_KEY") or heard:
            return inner(environ, start_response)
        heard.append(environ["HTTP_IDEMPOTENCY_KEY"])
        for _ in inner(environ, lambda *args, **kwargs: None):  # saved; the answer goes nowhere
            pass
        environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
        return []

    inner = app.wsgi_app
    monkeypatch.setattr(app, "wsgi_app", cut_off)
    page.context.set_offline(False)
    expect(page.locator("#offline-bar [data-count]")).to_have_text("待同步 1 条", timeout=20_000)
    page.wait_for_timeout(500)
    assert len(heard) == 1 and count(Person, Person.name == "断线者") == 1
    expect(page.locator("#offline-bar [data-count]")).to_have_text("待同步 1 条")  # it never heard
    page.close()  # the page closed in the middle of its sync
    monkeypatch.setattr(app, "wsgi_app", inner)

    again = page.context.new_page()
    again.goto("/grid/")
    expect(again.locator("#offline-bar [data-count]")).to_have_text("待同步 0 条", timeout=20_000)
    assert count(Person, Person.name == "断线者") == 1


def test_an_expired_session_keeps_the_queue_and_sends_it_after_signing_in_again(phone, world):
    page = phone.page
    queue_one_offline(phone, "过期后", 161)
    page.context.clear_cookies()  # the session ended while the phone was offline
    go_online_and_wait(page, "待同步 1 条")
    signin = page.locator("#offline-bar [data-signin]")
    expect(signin).to_contain_text("登录已过期")
    phone.shot("offline-signin")
    assert count(Person, Person.name == "过期后") == 0
    signin.get_by_role("link", name="重新登录").click()
    page.get_by_label("用户名").fill("coordinator")
    page.get_by_label("密码").fill(phone.password)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#offline-bar [data-count]")).to_have_text("待同步 0 条", timeout=20_000)
    assert count(Person, Person.name == "过期后") == 1


def test_another_user_signing_in_on_the_phone_sends_nothing_and_finds_nothing(phone, world):
    page = phone.page
    queue_one_offline(phone, "别人的", 163)
    page.context.clear_cookies()
    page.context.set_offline(False)
    phone.log_in("coordinator_b")
    expect(page.locator("#offline-bar [data-count]")).to_have_text("待同步 0 条", timeout=20_000)
    page.wait_for_timeout(500)
    assert count(Person, Person.name == "别人的") == 0  # never sent as someone else
    store = page.evaluate(STORE)
    assert not [k for k in store["keys"] if str(k).startswith("out:")], store


def test_signing_out_empties_the_phone(phone, world):
    page = phone.page
    queue_one_offline(phone, "未同步", 151)
    page.context.set_offline(False)
    page.route("**/offline/session", lambda route: route.abort())  # keep it queued
    page.once("dialog", lambda dialog: dialog.accept())  # "还有 1 条记录未同步……确定退出吗？"
    page.get_by_text("菜单").click()
    page.get_by_role("button", name=re.compile("退出")).click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    store = page.evaluate(STORE)
    assert store["keys"] == [] and "anju-pages" not in store["caches"], store


def test_a_departure_recorded_offline_for_someone_whose_form_was_never_opened(phone, world):
    page = phone.page
    first = world.person("张三", seq=1)
    other = world.person("李四", seq=3)
    phone.log_in("coordinator")
    page.goto("/grid/")
    # the phone keeps one move and one departure form, adapted offline to anyone in the grids
    assert page.evaluate(KEPT, ["/grid/", f"/grid/people/{first.id}/depart", f"/grid/people/{first.id}/move"])
    page.context.set_offline(True)
    page.reload()
    row = page.locator("#results li", has_text="李四")
    row.get_by_role("link", name="注销").click()
    expect(page.get_by_role("heading", name="注销（离开）：李四")).to_be_visible()
    page.get_by_label("离开日期").fill("2026-11-20")
    page.get_by_label("离开原因").select_option("job_ended")
    page.get_by_role("button", name="确认注销").click()
    expect(page.locator("#offline-bar")).to_contain_text("已保存到本机，联网后自动同步：注销（离开）：李四")
    phone.shot("offline-depart")
    go_online_and_wait(page, "待同步 0 条")
    db.session.expire_all()
    assert db.session.get(Person, other.id).status == "left"
    assert db.session.get(Person, first.id).status == "present"
    assert phone.take_problems() == []
