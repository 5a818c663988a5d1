"""A coordinator invites a landlord on the spot; the landlord opens the link on a phone,
sets a password, confirms one tenant, disputes another and signs the agreement; the
coordinator finds the dispute in the review queue. Every step at 360 x 740."""
import datetime as dt
import re

from playwright.sync_api import expect

from app.extensions import db
from app.models import AgreementTemplate, Dwelling, Landlord, Tenancy
from app.services.rental import agreements


def _dwelling_with_tenants(world):
    landlord = Landlord(name="钱多多", phone="13712345678")
    d = Dwelling(grid_id=world.grid_a1.id, address="文三路 5 号 2 单元", kind="rental", rooms=3, landlord=landlord)
    db.session.add(d)
    db.session.flush()
    tenants = [world.person(name, seq=seq, dwelling=d) for name, seq in (("张小明", 11), ("李四海", 12))]
    db.session.add_all([Tenancy(person_id=p.id, dwelling_id=d.id, room=room, start_on=dt.date(2026, 1, 10))
                        for p, room in zip(tenants, ("201", "202"))])
    db.session.add(AgreementTemplate(version=1, title="出租房屋流动人口服务管理责任书",
                                     body="一、租客入住后 3 日内报告。\n\n二、配合每月入户走访。"))
    db.session.commit()
    return d, tenants


def _assert_clean(phone, name):
    phone.shot(name)
    assert phone.overflow() is None, name
    small = phone.small_targets()
    assert not small, f"{name}: {small}"
    assert phone.take_problems() == [], name


def test_invite_accept_confirm_dispute_sign_and_the_queue(phone, world):
    d, (confirmed, disputed) = _dwelling_with_tenants(world)
    page = phone.page

    phone.log_in("coordinator")
    page.goto(f"/grid/dwellings/{d.id}")
    expect(page.get_by_text("未开通")).to_be_visible()
    _assert_clean(phone, "landlord-0-dwelling")
    page.get_by_role("button", name="邀请房东").click()
    expect(page.get_by_role("heading", name="邀请房东")).to_be_visible()
    expect(page.locator("img.qr")).to_be_visible()
    link = page.locator(".invitation code").inner_text()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/landlord/invite/[A-Z2-7]+", link), link
    _assert_clean(phone, "landlord-1-invitation")

    page.context.clear_cookies()  # now the landlord's phone
    page.goto(link)
    expect(page.get_by_role("heading", name="钱多多，您好")).to_be_visible()
    _assert_clean(phone, "landlord-2-set-password")
    page.get_by_label("设置密码").fill("qian-duoduo-88")
    page.get_by_label("再次输入密码").fill("qian-duoduo-88")
    page.get_by_role("button", name="设置密码并登录").click()
    expect(page.get_by_text("密码已设置")).to_be_visible()
    expect(page.get_by_text("待您处理（3）")).to_be_visible()
    _assert_clean(phone, "landlord-3-home")

    page.get_by_role("link", name="查看租客").click()
    row = page.locator(".tenant", has_text="张小明")
    expect(row.get_by_text("待确认")).to_be_visible()
    _assert_clean(phone, "landlord-4-tenants")
    row.get_by_role("button", name="确认是我的租客").click()  # htmx: the row is redrawn in place
    expect(page.locator(".tenant", has_text="张小明").get_by_text("已确认")).to_be_visible()
    assert disputed.id_number not in page.content() and confirmed.id_number not in page.content()

    page.locator(".tenant", has_text="李四海").get_by_role("link", name="有异议").click()
    page.get_by_label("不是我的租客").check()
    page.get_by_label("说明").fill("从没租给过此人")
    _assert_clean(phone, "landlord-5-dispute")
    page.get_by_role("button", name="提交给网格员").click()
    expect(page.get_by_text("已提交异议")).to_be_visible()
    expect(page.locator(".tenant", has_text="李四海").get_by_text("已报告，等待网格员处理")).to_be_visible()

    page.get_by_role("link", name="阅读并签署责任书").click()
    expect(page.get_by_text("配合每月入户走访")).to_be_visible()
    page.get_by_label("我已阅读并同意以上责任书").check()
    page.get_by_label("签名：请输入您的姓名").fill("钱多多")
    _assert_clean(phone, "landlord-6-agreement")
    page.get_by_role("button", name="签署责任书").click()
    expect(page.get_by_text("责任书已签署")).to_be_visible()
    expect(page.get_by_text("（电子签名）")).to_be_visible()
    expect(page.get_by_role("button", name="打印")).to_be_visible()  # shown where scripts run
    _assert_clean(phone, "landlord-7-signed-copy")
    page.emulate_media(media="print")
    phone.shot("landlord-8-print")
    expect(page.locator(".topbar")).to_be_hidden()
    page.emulate_media(media="screen")
    assert agreements.signed_state([d.id])[d.id].signed_name == "钱多多"

    page.goto("/landlord/")
    expect(page.get_by_text("没有待您处理的事项")).to_be_visible()
    expect(page.get_by_text("对租住记录有异议：李四海")).to_be_visible()
    _assert_clean(phone, "landlord-9-home-done")

    page.context.clear_cookies()
    phone.log_in("coordinator")
    page.goto("/grid/queue")
    entry = page.locator("section.card", has_text="房东异议：租住记录")
    expect(entry).to_contain_text("李四海")
    expect(entry).to_contain_text("不是我的租客")
    _assert_clean(phone, "landlord-10-queue")
    entry.get_by_role("link", name="处理").click()
    expect(page.get_by_text("租住记录作废")).to_be_visible()
    _assert_clean(phone, "landlord-11-review")
