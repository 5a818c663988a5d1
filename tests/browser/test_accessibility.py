"""axe-core (WCAG 2 A/AA, 2.1 AA, best practices) finds nothing on the pages a phone uses
most: login, the short-code page, a card page (public and unlocked), the coordinator's work
list, registration, a person, the review queue and a card report's before/after table, the
health worker's work list and the offline page; a failed submit included."""
from __future__ import annotations

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


def _check(phone, name: str, problems: list[str]) -> None:
    phone.shot(f"axe-{name}")
    problems += [f"{name}: {v}" for v in phone.axe()]


def test_public_pages_have_no_axe_violations(phone, world):
    person, issued = _card(world)
    page, problems = phone.page, []
    page.goto("/auth/login")
    _check(phone, "login", problems)
    page.goto("/offline")
    _check(phone, "offline", problems)
    page.goto("/c")
    _check(phone, "short-code", problems)
    page.get_by_role("button", name="打开").click()
    expect(page.locator(".error")).to_be_visible()
    _check(phone, "short-code-error", problems)
    page.goto(f"/C/{issued.token}")
    _check(phone, "card", problems)
    page.get_by_label("身份证号后 4 位").fill(person.id_number[-4:])
    page.get_by_role("button", name="查看本人信息").click()
    expect(page.get_by_text("本人信息")).to_be_visible()
    for summary in page.locator("summary").all():
        summary.click()
    _check(phone, "card-unlocked", problems)
    assert not problems, "\n".join(problems)


def test_staff_pages_have_no_axe_violations(phone, world):
    person, issued = _card(world)
    cards.submit_report(issued.card,
                        "address", {"address": "学院路 5 号 101", "on": local_today(), "phone": ""}, "127.0.0.1")
    db.session.commit()
    page, problems = phone.page, []
    phone.log_in("coordinator")
    for name, url in (("grid", "/grid/"), ("register", "/grid/people/new"), ("person", f"/grid/people/{person.id}"),
                      ("queue", "/grid/queue")):
        page.goto(url)
        _check(phone, name, problems)
    page.goto("/grid/queue")
    page.get_by_role("link", name="处理").first.click()
    _check(phone, "review", problems)
    assert not problems, "\n".join(problems)


# Every kind of tag, as the pages write them, put on a page that loads app.css and figures.css:
# axe-core's color-contrast rule then judges each at its real size and colours.
TAGS_HTML = """
<p id="tags"><span class="tag good">责任书已签署</span> <span class="tag warn">责任书未签署</span>
  <span class="tag">房东未确认</span> <span class="tag late">逾期</span> <span class="tag ok">已完成</span>
  <span class="tag due">本周</span> <span class="status-tag met">✓ 达标</span>
  <span class="status-tag below">▼ 低于目标</span> <span class="status-tag none">无数据</span>
  <span class="ok">已保存</span> <span class="flash">已保存</span></p>
"""


def test_tags_and_the_reveal_button_reach_4_5_to_1(phone, world):
    person = world.person("张三", seq=1)
    db.session.commit()
    page = phone.page
    phone.log_in("supervisor")
    page.goto("/station/kpi/registration")
    page.evaluate("(html) => document.querySelector('main').insertAdjacentHTML('afterbegin', html)", TAGS_HTML)
    assert phone.axe("#tags") == []
    page.goto(f"/grid/people/{person.id}")
    reveal = page.get_by_role("button", name="显示完整号码")
    expect(reveal).to_be_visible()
    assert phone.axe("#id-number") == []
    reveal.focus()  # a keyboard user sees where they are
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


def _text_at_200_percent(phone) -> None:
    """The reader's text size doubled (a phone's largest text setting; the pages size their
    text in rem, from the browser's default size)."""
    phone.page.evaluate("""() => {
      const all = [...document.querySelectorAll("body, body *")];
      const sizes = all.map((el) => parseFloat(getComputedStyle(el).fontSize));
      all.forEach((el, i) => { el.style.fontSize = `${sizes[i] * 2}px`; });
    }""")


def test_text_at_200_percent_fits_360_px(phone, world):
    person, issued = _card(world)
    cards.submit_report(issued.card, "address", {"address": "学院路 5 号 101", "on": local_today(), "phone": "13700001111"},
                        "127.0.0.1")
    db.session.commit()
    page, problems = phone.page, []

    def check(name):
        # the page's text follows the reader's own text size (the root's), not a fixed 16 px
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        if body != 32:
            problems.append(f"{name}: body text is {body} px when the reader's text size is 32 px")
        page.evaluate("document.documentElement.style.fontSize = ''")
        _text_at_200_percent(phone)
        phone.shot(f"text-200-{name}")
        overflow = phone.overflow()
        if overflow:
            problems.append(f"{name}: {overflow}")

    page.goto(f"/C/{issued.token}")
    check("card")
    phone.log_in("coordinator")
    for name, url in (("grid", "/grid/"), ("register", "/grid/people/new"), ("person", f"/grid/people/{person.id}"),
                      ("queue", "/grid/queue")):
        page.goto(url)
        check(name)
    page.get_by_role("link", name="处理").first.click()
    check("review")
    assert not problems, "\n".join(problems)


# The focused element, and the text of what its aria-describedby names (every id must exist).
FOCUS_JS = """
() => {
  const el = document.activeElement;
  const ids = (el.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
  const missing = ids.filter((id) => !document.getElementById(id));
  return {tag: el.tagName.toLowerCase(), name: el.name || "", cls: el.className || "", missing,
          description: ids.map((id) => (document.getElementById(id) || {}).textContent || "").join(" ")};
}
"""


def test_a_failed_submit_focuses_the_first_problem_and_ties_errors_to_fields(phone, world):
    person, issued = _card(world)
    page = phone.page
    page.goto(f"/C/{issued.token}")
    page.get_by_label("身份证号后 4 位").fill("0000")
    page.get_by_role("button", name="查看本人信息").click()
    expect(page.get_by_text("后 4 位不正确")).to_be_visible()
    focused = page.evaluate(FOCUS_JS)
    assert (focused["name"], focused["missing"]) == ("last4", [])
    assert "后 4 位不正确" in focused["description"] and "连续输错" in focused["description"]

    page.get_by_label("身份证号后 4 位").fill(person.id_number[-4:])
    page.get_by_role("button", name="查看本人信息").click()
    page.get_by_text("我要离开本地").click()
    page.locator("form[action$='/report/departure'] button").click()
    expect(page.get_by_text("请填写去向")).to_be_visible()
    focused = page.evaluate(FOCUS_JS)
    assert focused["missing"] == [] and focused["name"] == "on", focused
    assert "请填写日期" in focused["description"]
    assert phone.axe() == []

    page.goto("/auth/login")
    assert page.evaluate(FOCUS_JS)["name"] == "username"
    page.get_by_label("用户名").fill("coordinator")
    page.get_by_label("密码").fill("not the password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("用户名或密码不正确")).to_be_visible()
    assert page.evaluate(FOCUS_JS)["name"] == "password"

    phone.log_in("coordinator")
    page.goto("/grid/people/new")
    page.get_by_role("button", name="保存登记").last.click()
    expect(page.locator(".has-error").first).to_be_visible()
    focused = page.evaluate(FOCUS_JS)
    first_invalid = page.evaluate("document.querySelector('[aria-invalid=true]').name")
    assert focused["name"] == first_invalid and focused["missing"] == [], focused
    assert focused["description"].strip(), focused
    described = page.evaluate("""[...document.querySelectorAll('[aria-invalid=true]')].map(
        (el) => [el.name, (el.getAttribute('aria-describedby') || '').split(' ').some(
            (id) => document.getElementById(id) && document.getElementById(id).matches('.error, :has(.error)'))])""")
    assert described and all(tied for _name, tied in described), described
    assert phone.axe() == []
    assert phone.take_problems() == []
