"""Every main page, as each role sees it on a 360 x 740 phone.

For each page: it answers 200, nothing makes the page scroll sideways at 360 px
(``document.documentElement.scrollWidth <= 360``), axe-core finds no WCAG 2.1 AA or best-practice
violation (nor a duplicate id or an unlabelled field), and the console stays clean (no errors,
no Content-Security-Policy violations, no uncaught exceptions, no 5xx). A full-page
screenshot of each is saved as tests/artifacts/<role>-<page>.png for a person to look at.

Touch targets: every visible link, button and field is at least 44 x 44 CSS px (DESIGN §6),
except links inside running text, whose line sets their size.
"""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.domain.clock import local_today
from app.domain.idcard import make_id_number
from app.extensions import db
from app.models import Appointment, ServiceType, Tenancy
from app.services.common.context import Actor
from app.services.figures import audit_samples as audits
from app.services.health import service_types
from app.services.registry import registration
from app.services.registry import transfers
from app.services.rental import agreements, invitations, landlords, sweeps

GRID_PAGES = [("grid", "/grid/"), ("new-person", "/grid/people/new"), ("person", "{person}"),
              ("dwellings", "/grid/dwellings"), ("queue", "/grid/queue"),
              ("dwelling", "{dwelling}"), ("dwelling-edit", "{dwelling_edit}"), ("ledger", "/grid/ledger"), ("sweep", "/grid/sweep"),
              ("review-arrival", "{review_arrival}")]
# Small targets that need a template change (app.css has the rule; the markup lacks the class).
KNOWN_SMALL_TARGETS: set[str] = set()

STATION = [("station", "/station/")]
SUPERVISOR_PAGES = [("sweep-coverage", "/station/sweeps")]
ADMIN_PAGES = [("users", "/admin/users"), ("areas", "/admin/areas"), ("audit", "/admin/audit"),
               ("agreements", "/admin/agreements"), ("agreement-new", "/admin/agreements/new"),
               ("api-tokens", "/admin/api-tokens"), ("api-token-new", "/admin/api-tokens/new")]
LANDLORD_PAGES = [("home", "/landlord/"), ("dwelling", "{landlord_dwelling}"), ("arrival", "{landlord_arrival}"),
                  ("dispute", "{landlord_dispute}"), ("departure", "{landlord_departure}"),
                  ("agreement", "{landlord_agreement}")]
# Ledgers and staff (issue 7): import, staff work, audits.
LEDGER_PAGES = [("imports", "/station/imports"), ("staff", "/station/staff"), ("audit-fixes", "/station/audits/fixes")]
AUDIT_PAGES = [("audits", "/station/audits"), ("audit-sample", "{sample}"), ("audit-report", "/station/audits/report")]
SERVICE_PAGES = [("services", "/station/services"), ("overdue", "/station/appointments?view=overdue"),
                 ("week", "/station/appointments?view=week"), ("day", "/station/appointments?view=day"),
                 ("appointment", "{appointment}"), ("service-person", "{service_person}"),
                 ("service-search", "/station/people"), ("notices", "/station/notices"), ("outbox", "/station/outbox")]
SERVICE_ADMIN_PAGES = [("service-types", "/admin/service-types"), ("service-type", "{service_type}")]
COMMON = [("offline", "/offline")]
REPORTS = [("kpi", "/station/kpi"), ("kpi-detail", "/station/kpi/registration"),
           ("kpi-list", "/station/kpi/registration/counted"), ("quality", "/station/quality"),
           ("monthly", "/station/monthly")]

PAGES_BY_ROLE = {
    "coordinator": GRID_PAGES + LEDGER_PAGES + COMMON,
    "supervisor": GRID_PAGES + STATION + SUPERVISOR_PAGES + REPORTS + LEDGER_PAGES + AUDIT_PAGES + SERVICE_PAGES + COMMON,
    "health": STATION + SERVICE_PAGES + COMMON,
    "admin": (GRID_PAGES + STATION + SUPERVISOR_PAGES + ADMIN_PAGES + REPORTS + LEDGER_PAGES + AUDIT_PAGES + SERVICE_PAGES
              + SERVICE_ADMIN_PAGES + COMMON),
    "landlord": LANDLORD_PAGES + COMMON,
}


@pytest.fixture
def scene(world):
    """Enough data that every page shows real content, with long addresses and names."""
    coordinator = world.users["coordinator"]
    me = Actor(coordinator.id, "coordinator", "127.0.0.1")
    service_types.install_defaults(Actor.cli())  # registrations then plan this month's services
    parent = registration.register(me, coordinator, {
        "id_number": make_id_number("341202", dt.date(1988, 7, 9), 351), "name": "司马相如",
        "phone": "13912345678", "ethnicity": "01", "hukou_area_code": "341202",
        "hukou_address": "颍州区文峰街道清河路 188 号 3 栋 2 单元 501 室", "marital_status": "married",
        "education": "senior", "occupation": "快递员", "employer": "杭州市西湖区某某物流有限公司文一西路营业部",
        "reason_for_coming": "work", "arrived_on": dt.date(2026, 1, 10), "expected_stay": "gt1y",
    }, world.grid_a1.id, new_dwelling={
        "address": "文一西路 998 号海创园 5 号楼 2 单元 1203 室", "kind": "rental", "rooms": 3,
        "landlord_name": "王建国", "landlord_phone": "13900001111", "landlord_id_number": None,
    }, room="1203")
    child = registration.register(me, coordinator, {
        "id_number": make_id_number("341202", dt.date(2019, 2, 1), 22), "name": "司马小宝",
        "arrived_on": dt.date(2026, 1, 10),
    }, world.grid_a1.id, dwelling_id=parent.dwelling_id, room="1203", relative_of=parent.id, relation="child")
    world.person("张三", seq=1, phone="13800138000")

    # The review queue: coordinator_b asks for someone of grid A1, coordinator for someone of B1.
    leaving = world.person("李四", seq=2)
    other = world.users["coordinator_b"]
    transfers.request(Actor(other.id, "coordinator_b", "127.0.0.1"), other, leaving.id_number,
                      world.grid_b1.id, "本人已搬到留下社区，在留和路的工地上班")
    elsewhere = world.person("王五", grid=world.grid_b1, seq=3)
    transfers.request(me, coordinator, elsewhere.id_number, world.grid_a1.id, "现住文一路")
    # An audit sample of grid A1 with one record failed (it shows on the coordinator's fix list).
    supervisor = world.users["supervisor"]
    boss = Actor(supervisor.id, "supervisor", "127.0.0.1")
    sample = audits.draw(boss, supervisor, [world.grid_a1.id], seed=2026)[0]
    audits.check(boss, supervisor, sample.items[0].id, "fail", "电话号码已停机，住址门牌号与实际不符，请核实后更正")
    audits.check(boss, supervisor, sample.items[1].id, "pass", None)
    visit = db.session.scalars(select(Appointment).where(Appointment.person_id == parent.id)
                               .order_by(Appointment.id)).first()
    checkup = db.session.scalars(select(ServiceType).where(ServiceType.code == "health_checkup")).one()
    return {"person": f"/grid/people/{parent.id}", "sample": f"/station/audits/{sample.id}",
            "appointment": f"/station/appointments/{visit.id}", "service_person": f"/station/people/{parent.id}",
            "service_type": f"/admin/service-types/{checkup.id}", **_rental_scene(world, me, coordinator)}


def _rental_scene(world, me, coordinator):
    """The landlord of 文一路 1 号 with two tenants (one confirmed), an unsigned agreement,
    a late report of a new tenant in the queue, a sweep visit and an open invitation."""
    landlord = world.users["landlord"]
    tenants = [world.person(name, seq=seq, dwelling=world.dwelling_a1) for name, seq in (("欧阳娜娜", 21), ("诸葛明亮", 22))]
    rows = [Tenancy(person_id=p.id, dwelling_id=world.dwelling_a1.id, room=room, start_on=dt.date(2026, 1, 10))
            for p, room in zip(tenants, ("301", "302"))]
    db.session.add_all(rows)
    db.session.flush()
    rows[1].confirmed_by_landlord_at = dt.datetime(2026, 2, 1)
    db.session.commit()
    agreements.publish(me, "出租房屋流动人口服务管理责任书", "一、租客入住后 3 日内向网格员报告。\n\n二、配合每月入户走访。")
    as_landlord = Actor(landlord.id, landlord.username, "127.0.0.1")
    change = landlords.report_arrival(as_landlord, landlord, world.dwelling_a1.id, {
        "name": "司马懿", "id_number": make_id_number("341202", dt.date(1995, 3, 3), 31), "phone": "13900002222",
        "room": "303", "on": local_today() - dt.timedelta(days=9)})
    sweeps.mark(me, coordinator, world.dwelling_a1.id, "no_change", "房东在家，无变化")
    invitations.invite(me, coordinator, world.dwelling_a1.id)
    return {"dwelling": f"/grid/dwellings/{world.dwelling_a1.id}",
            "dwelling_edit": f"/grid/dwellings/{world.dwelling_a1.id}/edit", "review_arrival": f"/grid/queue/{change.id}",
            "landlord_dwelling": f"/landlord/dwellings/{world.dwelling_a1.id}",
            "landlord_arrival": f"/landlord/dwellings/{world.dwelling_a1.id}/arrival",
            "landlord_dispute": f"/landlord/tenancies/{rows[0].id}/dispute",
            "landlord_departure": f"/landlord/tenancies/{rows[1].id}/departure",
            "landlord_agreement": f"/landlord/dwellings/{world.dwelling_a1.id}/agreement"}


# WCAG contrast ratio of an element's text against the first opaque background behind it.
CONTRAST_JS = """
(selector) => {
  const el = document.querySelector(selector);
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).map((v) => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let bg = "rgb(255, 255, 255)";
  for (let p = el; p; p = p.parentElement) {
    const c = getComputedStyle(p).backgroundColor;
    if (c !== "transparent" && !/^rgba\\(.*, 0\\)$/.test(c)) { bg = c; break; }
  }
  const [a, b] = [lum(getComputedStyle(el).color), lum(bg)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"""


def visit(phone, name: str, url: str) -> list[str]:
    """Open ``url``, save tests/artifacts/<name>.png; the problems seen, as text: status,
    sideways overflow, small touch targets, console errors and CSP violations."""
    response = phone.page.goto(url)
    problems = []
    if response is None or response.status != 200:
        problems.append(f"HTTP {response.status if response else '?'}")
    phone.shot(name)
    overflow = phone.overflow()
    if overflow:
        problems.append(overflow)
    small = [t for t in phone.small_targets() if not any(k in t for k in KNOWN_SMALL_TARGETS)]
    if small:
        problems.append("touch targets under 44 px: " + "; ".join(small))
    problems += [f"axe-core: {v}" for v in phone.axe()]  # tests/browser/test_accessibility.py
    problems += phone.take_problems()
    return [f"{name} ({url}): {p}" for p in problems]


def test_anonymous_pages(phone):
    problems = visit(phone, "login", "/auth/login")
    expect(phone.page.get_by_role("button", name="登录")).to_be_visible()
    problems += visit(phone, "offline", "/offline")
    expect(phone.page.get_by_role("heading", name="网络未连接")).to_be_visible()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", list(PAGES_BY_ROLE))
def test_main_pages_fit_a_phone(phone, scene, role):
    phone.log_in(role)
    problems = phone.take_problems()
    for name, url in PAGES_BY_ROLE[role]:
        problems += visit(phone, f"{role}-{name}", url.format(**scene))
        expect(phone.page.locator("main h1").first).to_be_visible()

    # The menu is how a phone gets around: its button must be readable on the green bar
    # (it once was green on green) and the menu must open inside the screen.
    phone.page.goto("/")
    button = phone.page.locator(".menu summary")
    expect(button).to_contain_text("菜单")
    ratio = phone.page.evaluate(CONTRAST_JS, ".menu summary")
    if ratio < 4.5:
        problems.append(f"{role}-menu: the menu button's contrast is {ratio:.1f}:1 (WCAG AA needs 4.5:1)")
    button.click()
    menu = phone.page.locator(".menu nav")
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    phone.shot(f"{role}-menu")
    if box["x"] < 0 or box["x"] + box["width"] > 360:
        problems.append(f"{role}-menu: the open menu spans x={box['x']:.0f}..{box['x'] + box['width']:.0f}")
    problems += [f"{role}-menu: {p}" for p in phone.take_problems()]
    assert not problems, "\n".join(problems)


def test_english_pages_fit_a_phone(phone, scene):
    """English words are longer than Chinese ones: the same pages must still fit."""
    phone.log_in("coordinator")
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name="English").click()
    expect(phone.page.locator("html")).to_have_attribute("lang", "en")
    problems = phone.take_problems()
    for name, url in GRID_PAGES:
        problems += visit(phone, f"en-coordinator-{name}", url.format(**scene))
    assert not problems, "\n".join(problems)
