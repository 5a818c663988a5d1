"""Issue 14.7 and 14.8 at 360 px: the targets the issue measured, each at least 44 x 44 CSS
px where it is tapped (links in running text included); the dwelling picker searched as
one types; office hours never broken inside a time range."""
from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from app.extensions import db
from app.models import Appointment, Dwelling, ServiceType
from app.services.cards import issuing as cards
from app.services.common.context import Actor
from app.services.health import service_types

# The 44 x 44 square centred on an element: is every corner of it still that element or its label?
SQUARE_HITS = """
(el) => {
  const r = el.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
  const target = el.closest("label") || el;
  return [[-21, -21], [21, -21], [-21, 21], [21, 21]].map(([dx, dy]) => {
    const hit = document.elementFromPoint(x + dx, y + dy);
    return !!hit && (hit === el || target.contains(hit));
  });
}
"""


def _size(locator):
    box = locator.bounding_box()
    return round(box["width"]), round(box["height"])


def test_the_no_id_number_checkbox_is_a_44_px_target(phone, world):
    page = phone.page
    phone.log_in("coordinator")
    page.goto("/grid/people/new")
    box = page.get_by_label("暂无身份证号（如婴幼儿）")
    box.scroll_into_view_if_needed()
    assert page.evaluate(SQUARE_HITS, box.element_handle()) == [True] * 4
    page.mouse.click(box.bounding_box()["x"] - 8, box.bounding_box()["y"] + 10)  # beside the box, on its label
    expect(box).to_be_checked()


def test_card_page_phone_links_and_office_hours(phone, world):
    world.town_a.address, world.town_a.phone = "文一路 100 号", "0571-88001234"
    world.town_a.hours = "周一至周五 8:30–12:00，13:30–17:00；周六 9:00–12:00"
    world.users["coordinator"].phone = "13900001111"
    person = world.person("张小明", seq=3)
    issued = cards._new(Actor.cli(), person)
    db.session.commit()
    page = phone.page
    page.goto(f"/C/{issued.token}")
    for number in ("0571-88001234", "13900001111"):
        width, height = _size(page.get_by_role("link", name=number))
        assert width >= 44 and height >= 44, (number, width, height)
    for text in ("8:30–12:00", "13:30–17:00", "9:00–12:00"):
        span = page.locator(".nowrap", has_text=text)
        expect(span).to_have_count(1)
        assert span.evaluate("el => el.getClientRects().length") == 1, f"{text} is broken across lines"
    phone.shot("card-office-hours")
    assert phone.take_problems() == []


def test_kpi_links_in_notes_are_44_px_tall(phone, world):
    service_types.install_defaults(Actor.cli())
    checkup = db.session.scalars(db.select(ServiceType).where(ServiceType.code == "health_checkup")).one()
    person = world.person("张三", seq=1)
    db.session.add(Appointment(person_id=person.id, service_type_id=checkup.id, slot="x",
                               due_on=dt.date.today() - dt.timedelta(days=3)))
    world.grid_a1.estimated_population = 10  # grid A2 has no estimate: the note links to 区域
    db.session.commit()
    page = phone.page
    phone.log_in("admin")
    page.goto(f"/station/kpi?area={world.town_a.id}")
    overdue = page.get_by_role("link", name="逾期未完成 1 人次")
    assert _size(overdue)[1] >= 44
    page.goto(f"/station/kpi/registration?area={world.town_a.id}")
    assert _size(page.get_by_role("link", name="去填写"))[1] >= 44
    phone.take_problems()


def test_the_dwelling_of_a_move_is_found_by_typing(phone, world):
    person = world.person("张三", seq=1)
    db.session.add_all([Dwelling(grid_id=world.grid_a1.id, address=f"幸福路 {i} 号", kind="rental") for i in range(1, 41)])
    db.session.commit()
    page = phone.page
    phone.log_in("coordinator")
    page.goto(f"/grid/people/{person.id}/move")
    select = page.locator("#dwelling_id")
    expect(select.locator("option")).to_have_count(42)
    page.get_by_label("查找住所").press_sequentially("27")
    expect(select.locator("option")).to_have_count(2)
    assert select.evaluate("s => s.options[s.selectedIndex].text") == "幸福路 27 号"
    phone.shot("move-dwelling-search")
    page.get_by_role("button", name="登记迁移").click()
    expect(page.get_by_text("已登记迁移")).to_be_visible()
    expect(page.get_by_text("幸福路 27 号").first).to_be_visible()
    assert phone.overflow() is None
    assert phone.take_problems() == []
