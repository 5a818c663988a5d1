"""Calendar rules of the schedules: month ends, leap years, whole months and years."""
import datetime as dt
import random

import pytest

from app.domain import dates

D = dt.date


@pytest.mark.parametrize("start,months,expected", [
    (D(2026, 1, 31), 1, D(2026, 3, 1)),   # no 31 February: complete on 1 March
    (D(2026, 1, 31), 2, D(2026, 3, 31)),
    (D(2026, 3, 31), 1, D(2026, 5, 1)),   # no 31 April
    (D(2026, 1, 30), 1, D(2026, 3, 1)),   # no 30 February in a common year …
    (D(2028, 1, 30), 1, D(2028, 3, 1)),   # … nor in a leap year
    (D(2028, 1, 29), 1, D(2028, 2, 29)),  # 29 February exists in 2028
    (D(2024, 2, 29), 12, D(2025, 3, 1)),  # a leap-day birthday in a common year
    (D(2024, 2, 29), 48, D(2028, 2, 29)),
    (D(2026, 12, 15), 1, D(2027, 1, 15)),  # across the year
    (D(2026, 8, 31), 6, D(2027, 3, 1)),   # six months' stay from 31 August
    (D(2026, 5, 17), 0, D(2026, 5, 17)),
])
def test_anniversary_at_month_ends_and_leap_years(start, months, expected):
    assert dates.anniversary(start, months) == expected


def test_anniversary_is_the_first_day_the_months_are_complete():
    rng = random.Random(1)
    for _ in range(2000):
        start = D(1990, 1, 1) + dt.timedelta(days=rng.randrange(0, 15000))
        months = rng.randrange(0, 100)
        day = dates.anniversary(start, months)
        assert dates.months_between(start, day) == months
        assert dates.months_between(start, day - dt.timedelta(days=1)) == months - 1


def test_ages_in_whole_years():
    born = D(2000, 2, 29)
    assert dates.age_on(born, D(2018, 2, 28)) == 17
    assert dates.age_on(born, D(2018, 3, 1)) == 18
    assert dates.age_on(born, D(2020, 2, 29)) == 20
    assert dates.age_on(D(1976, 12, 15), D(2026, 12, 14)) == 49
    assert dates.age_on(D(1976, 12, 15), D(2026, 12, 15)) == 50
    # the integer form the SQL uses gives the same ages
    for day in (D(2018, 2, 28), D(2018, 3, 1), D(2026, 12, 31)):
        assert (dates.ymd(day) - dates.ymd(born)) // 10000 == dates.age_on(born, day)


def test_months_and_weeks():
    assert dates.parse_month("2026-12") == D(2026, 12, 1)
    assert dates.parse_month(" 2027-1 ") == D(2027, 1, 1)
    for bad in ("2026-13", "2026/12", "12-2026", "", None, "2026-00", "9999-01"):
        with pytest.raises(dates.InvalidMonth):
            dates.parse_month(bad)
    assert dates.add_months_to_first(D(2026, 12, 1), 1) == D(2027, 1, 1)
    assert dates.add_months_to_first(D(2026, 1, 1), -2) == D(2025, 11, 1)
    assert dates.last_of_month(D(2028, 2, 10)) == D(2028, 2, 29)
    assert dates.week_bounds(D(2026, 12, 2)) == (D(2026, 11, 30), D(2026, 12, 6))


def test_working_days_ahead():
    december = dates.workdays(D(2026, 12, 1))
    assert december[0] == D(2026, 12, 1) and december[-1] == D(2026, 12, 31) and len(december) == 23
    assert all(d.weekday() < 5 for d in december)
    assert dates.workdays(D(2026, 12, 1), after=D(2026, 12, 1))[0] == D(2026, 12, 2)
    # nothing left on the last day: the last day itself, so there is always a date
    assert dates.workdays(D(2027, 1, 1), after=D(2027, 1, 31)) == [D(2027, 1, 31)]
