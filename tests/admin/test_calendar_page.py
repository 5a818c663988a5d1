"""The admin's holiday calendar page: a year's days off and 调休 working days, the admin's
own entries (audited) for a year the installed package does not know, and planning using them."""
import datetime as dt

from sqlalchemy import select

from app.extensions import db
from app.models import Appointment, AuditLog, CalendarDay
from app.services.common.context import Actor
from app.services.health import planning

D = dt.date


def test_a_known_year_lists_official_holidays_and_working_weekends(login, world):
    page = login("admin").get("/admin/calendar?year=2026").text
    assert "2026-01-01" in page and "元旦" in page and "2026-02-14" in page and "调休上班" in page
    assert "还没有 2026 年" not in page


def test_an_unknown_year_says_so_and_takes_the_admins_entries(login, world, services):
    admin = login("admin")
    page = admin.get("/admin/calendar?year=2027").text
    assert "还没有 2027 年的放假安排" in page and "2027-02-05" in page  # statutory: 除夕
    r = admin.post("/admin/calendar", data={"day": "2027-02-20", "workday": "1", "name": "春节调休"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/calendar?year=2027")
    r = admin.post("/admin/calendar", data={"day": "2027-02-09", "workday": "0", "name": "春节"})
    assert db.session.get(CalendarDay, D(2027, 2, 20)).workday
    page = admin.get("/admin/calendar?year=2027").text
    assert "春节调休" in page and "本站录入" in page
    actions = [e.action for e in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert actions.count("calendar.set") == 2
    # Planning February spreads over the working Saturday and skips the holidays.
    world.person("张三", seq=1, arrived_on=D(2026, 1, 10))
    planning.plan_month(Actor.cli(), D(2027, 2, 1), today=D(2026, 12, 20))
    days = {a.due_on for a in db.session.scalars(select(Appointment))}
    assert days and not days & {D(2027, 2, 5), D(2027, 2, 8), D(2027, 2, 9)}
    assert all(d.weekday() < 5 or d == D(2027, 2, 20) for d in days)
    r = admin.post("/admin/calendar/2027-02-20/delete")
    assert r.status_code == 302 and db.session.get(CalendarDay, D(2027, 2, 20)) is None
    assert "calendar.remove" in [e.action for e in db.session.scalars(select(AuditLog))]


def test_bad_input_keeps_what_was_typed(login, world):
    admin = login("admin")
    r = admin.post("/admin/calendar", data={"day": "2027-13-40", "workday": "1", "name": "春节调休"})
    assert r.status_code == 200 and "春节调休" in r.text and db.session.scalars(select(CalendarDay)).first() is None
    r = admin.post("/admin/calendar", data={"day": "2150-01-01", "workday": "0"})
    assert r.status_code == 200 and "日期超出范围" in r.text
    assert admin.post("/admin/calendar/not-a-day/delete").status_code == 302
    assert admin.get("/admin/calendar?year=abc").status_code == 200


def test_plan_services_puts_nothing_on_new_years_day(world, services, app):
    """Regression: ``plan-services`` put check-ups on 2027-01-01 (元旦)."""
    for i in range(1, 40):
        world.person(f"人{i}", seq=i, born=D(1980, 1, 1) + dt.timedelta(days=i), arrived_on=D(2026, 1, 10))
    result = app.test_cli_runner().invoke(args=["plan-services", "--month", "2027-01"])
    assert result.exit_code == 0, result.output
    days = {a.due_on for a in db.session.scalars(select(Appointment))}
    assert len(days) > 5 and D(2027, 1, 1) not in days and all(d.weekday() < 5 for d in days)
