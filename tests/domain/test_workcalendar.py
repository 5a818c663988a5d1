"""Working days follow the official holiday calendar: holidays off, 调休 weekends on; the
admin's entries win; years the package does not know yet fall back to the statutory days."""
import datetime as dt

from app.domain import workcalendar
from app.domain.workcalendar import WorkCalendar

D = dt.date
CAL = WorkCalendar()


def test_yuandan_is_a_holiday_in_a_known_and_an_unknown_year():
    assert workcalendar.is_official(2026) and not workcalendar.is_official(2027)  # chinesecalendar 1.11.0
    assert CAL.day(D(2026, 1, 1)) == (False, "元旦")  # official: 1–3 January 2026
    assert not CAL.is_workday(D(2026, 1, 2))
    assert CAL.day(D(2027, 1, 1)) == (False, "元旦")  # a Friday; statutory, the notice not out yet
    assert CAL.is_workday(D(2027, 1, 4))


def test_spring_festival_and_its_adjusted_working_weekends():
    # 2026 (official): 15–23 February off; Saturdays 14 and 28 February are working days (调休).
    assert [CAL.is_workday(D(2026, 2, d)) for d in (13, 16, 20, 23, 24)] == [True, False, False, False, True]
    assert CAL.day(D(2026, 2, 14)) == (True, "春节") and CAL.is_workday(D(2026, 2, 28))
    assert not CAL.is_workday(D(2026, 2, 21))  # a weekend inside the holiday
    # 2027 (statutory until the notice): 除夕 5 February to 初三 8 February; no 调休 known.
    assert [CAL.is_workday(D(2027, 2, d)) for d in (4, 5, 8, 9)] == [True, False, False, True]
    assert not CAL.is_workday(D(2027, 2, 20))  # Saturdays stay off


def test_statutory_days_of_a_year_the_package_does_not_know():
    days = workcalendar.statutory_holidays(2027)
    assert {d for d, name in days.items() if name == "春节"} == {D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)}
    assert days[D(2027, 4, 5)] == "清明节" and days[D(2027, 6, 9)] == "端午节" and days[D(2027, 9, 15)] == "中秋节"
    assert [days.get(D(2027, 10, d)) for d in (1, 2, 3, 4)] == ["国庆节", "国庆节", "国庆节", None]
    assert [days.get(D(2027, 5, d)) for d in (1, 2, 3)] == ["劳动节", "劳动节", None]


def test_the_admins_entries_win():
    cal = WorkCalendar({D(2027, 2, 20): (True, "春节调休"), D(2027, 2, 9): (False, "春节"), D(2026, 2, 14): (False, "")})
    assert cal.day(D(2027, 2, 20)) == (True, "春节调休") and not cal.is_workday(D(2027, 2, 9))
    assert not cal.is_workday(D(2026, 2, 14))  # over the package too


def test_working_days_of_a_month_and_the_next_working_day():
    january = CAL.workdays(D(2027, 1, 1))
    assert january[0] == D(2027, 1, 4) and len(january) == 20
    february_2026 = CAL.workdays(D(2026, 2, 1))
    assert D(2026, 2, 14) in february_2026 and D(2026, 2, 16) not in february_2026
    assert CAL.next_workday(D(2026, 12, 31)) == D(2026, 12, 31)
    assert CAL.next_workday(D(2027, 1, 1)) == D(2027, 1, 4)
    assert CAL.next_workday(D(2026, 9, 30)) == D(2026, 9, 30) and CAL.next_workday(D(2026, 10, 1)) == D(2026, 10, 8)


def test_exceptions_list_holidays_on_weekdays_and_working_weekends():
    rows = CAL.exceptions(2026)
    assert (D(2026, 1, 1), False, "元旦") in rows and (D(2026, 2, 14), True, "春节") in rows
    assert all(working == (day.weekday() >= 5) for day, working, _ in rows)
