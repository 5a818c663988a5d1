"""The live ID check shows one verdict at a time: after a report with a bad ID number comes
back with its error, retyping a good number replaces the red error with the green verdict
(the defect: both showed together on 报告新租客). At 360 x 740."""
import datetime as dt

from playwright.sync_api import expect

from tests.conftest import make_valid_id


def test_a_retyped_id_number_replaces_the_forms_error(phone, world):
    page = phone.page
    good = make_valid_id(dt.date(1995, 8, 1), 247)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    phone.log_in("landlord")
    page.goto(f"/landlord/dwellings/{world.dwelling_a1.id}/arrival")
    page.get_by_label("姓名", exact=True).fill("周新来")
    id_box = page.get_by_label("身份证号码", exact=True)
    id_box.fill(bad)
    page.get_by_role("button", name="提交报告").click()
    feedback = page.locator("#id-feedback")
    expect(page.get_by_text("校验位不正确")).to_be_visible()  # the form's own verdict, after saving
    expect(id_box).to_have_attribute("aria-invalid", "true")

    id_box.fill("")
    id_box.press_sequentially(good)
    expect(feedback).to_contain_text("号码有效")
    expect(page.get_by_text("校验位不正确")).to_have_count(0)  # nowhere on the page any more
    expect(id_box).to_have_attribute("aria-invalid", "false")
    expect(page.locator(".field.has-error")).to_have_count(0)
    phone.shot("id-check-one-verdict")
    assert phone.take_problems() == []
