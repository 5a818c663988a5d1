"""Issue 21.2 as it was seen: the same person's 修改 open in two tabs; A changes the phone and
saves; B changes occupation and employer and saves: A's phone stays. Then a field both
change comes back side by side, and saving again writes B's value knowingly."""
from __future__ import annotations

from playwright.sync_api import expect

from app.extensions import db
from app.models import Person


def test_two_tabs_edit_the_same_person(phone, world):
    p = world.person("张三", seq=1, phone="13800000001", occupation="厨师")
    a = phone.page
    phone.log_in("coordinator")
    b = a.context.new_page()
    for page in (a, b):
        page.goto(f"/grid/people/{p.id}/edit")
    expect(a.get_by_label("身份证号码", exact=True)).to_have_value("")  # masked, not in the form
    expect(a.get_by_text(p.id_number[:6] + "********" + p.id_number[-4:])).to_be_visible()
    phone.shot("edit-masked-id")

    a.get_by_label("手机号码").fill("13900000009")
    a.get_by_label("手机号码").press("Enter")  # Enter saves (not the 改正身份证号 button above it)
    expect(a.get_by_text("已保存")).to_be_visible()

    b.get_by_label("职业").fill("保安")
    b.get_by_label("工作单位").fill("美味餐饮店")
    b.locator("form button.primary").click()
    expect(b.get_by_text("他人改过的手机号码已保留")).to_be_visible()
    db.session.expire_all()
    saved = db.session.get(Person, p.id)
    assert (saved.phone, saved.occupation, saved.employer) == ("13900000009", "保安", "美味餐饮店")

    # Both open again; both change the phone.
    for page in (a, b):
        page.goto(f"/grid/people/{p.id}/edit")
    a.get_by_label("手机号码").fill("13700000007")
    a.locator("form button.primary").click()
    expect(a.get_by_text("已保存")).to_be_visible()
    b.get_by_label("手机号码").fill("13600000006")
    b.locator("form button.primary").click()
    conflict = b.locator("table.diff")
    expect(conflict).to_contain_text("13600000006")
    expect(conflict).to_contain_text("13700000007")
    expect(b.get_by_label("手机号码")).to_have_value("13600000006")  # B's input kept
    b.screenshot(path=str(phone.artifacts / "edit-conflict.png"), full_page=True)
    b.locator("form button.primary").click()
    expect(b.get_by_text("已保存")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Person, p.id).phone == "13600000006"
    assert phone.take_problems() == []
