import datetime as dt

from app.domain import quality
from app.domain.dates import anniversary
from app.domain.idcard import make_id_number

TODAY = dt.date(2026, 6, 15)
VALID = make_id_number("110101", dt.date(1990, 1, 1), 123)


def category(value):
    found = quality.id_problem(value, TODAY)
    return found[0] if found else None


def test_id_numbers_by_the_monitoring_report_categories():
    assert category(VALID) is None
    assert category(None) == category("") == quality.MISSING
    assert category("110101900101123") == quality.NONSTANDARD  # legacy 15 digits, kept unconverted
    with_x = next(n for n in (make_id_number("110101", dt.date(1990, 1, 1), s) for s in range(100)) if n[-1] == "X")
    assert category(with_x) is None and category(with_x[:17] + "x") == quality.NONSTANDARD
    assert category(" " + VALID) == quality.NONSTANDARD
    assert category(VALID[:10] + "13" + VALID[12:]) == quality.NONSTANDARD  # month 13
    assert category(VALID[:17] + ("0" if VALID[17] != "0" else "1")) == quality.BAD_CHECK
    assert category("11010119900101123") == quality.NONSTANDARD  # 17 characters
    # not in the standard form and a wrong check character: counted once, as nonstandard
    assert category(VALID[:17].replace("1", "１", 1) + VALID[17]) == quality.NONSTANDARD


def test_nonstandard_numbers_say_what_they_should_be():
    _, message = quality.id_problem("110101900101123", TODAY)
    assert "18" in str(message) and "110101" in str(message)


def test_household_codes():
    assert quality.hukou_problem("341202001") is None  # a township: fine
    assert quality.hukou_problem("341202001001") is None  # a village code, down to its township
    assert quality.hukou_problem("999999")[0] == quality.UNKNOWN_CODE
    assert quality.hukou_problem("341202")[0] == quality.NOT_TOWNSHIP
    assert quality.hukou_problem("342101")[0] == quality.RETIRED_CODE  # retired county: a real place, to update
    assert quality.hukou_problem("341202000000")[0] == quality.NOT_TOWNSHIP  # a county padded to 12
    assert quality.hukou_problem(None)[0] == quality.NOT_TOWNSHIP


def test_id_body_and_exemption_age():
    assert quality.id_body("110101900101123") == "11010119900101123" == quality.id_body(VALID)
    assert quality.id_exempt_born_after(dt.date(2026, 2, 28), 16) == dt.date(2010, 2, 28)
    assert quality.id_exempt_born_after(dt.date(2028, 2, 29), 16) == dt.date(2012, 2, 29)
    assert quality.id_exempt_born_after(dt.date(2028, 2, 29), 15) == dt.date(2013, 2, 28)


def test_visits_count_for_the_months_up_to_this_one():
    assert quality.visits_since(dt.date(2026, 12, 15), 3) == dt.date(2026, 10, 1)
    assert quality.visits_since(dt.date(2026, 12, 31), 3) == dt.date(2026, 10, 1)
    assert quality.visits_since(dt.date(2027, 1, 1), 3) == dt.date(2026, 11, 1)  # into the year before
    assert quality.visits_since(dt.date(2027, 2, 28), 3) == dt.date(2026, 12, 1)
    assert quality.visits_since(dt.date(2026, 3, 31), 1) == dt.date(2026, 3, 1)  # this month only
    assert quality.visits_since(dt.date(2026, 1, 20), 13) == dt.date(2025, 1, 1)


def test_entered_more_than_some_months_ago():
    assert quality.entered_before(dt.date(2026, 12, 15), 3) == dt.date(2026, 9, 15)
    assert quality.entered_before(dt.date(2027, 1, 15), 3) == dt.date(2026, 10, 15)
    # 31 May: all of February is more than three months ago (28 February + 3 months = 28 May)
    assert quality.entered_before(dt.date(2026, 5, 31), 3) == dt.date(2026, 3, 1)
    # 1 March: one month after 29–31 January is complete on 1 March, not before it
    assert quality.entered_before(dt.date(2026, 3, 1), 1) == dt.date(2026, 1, 29)
    assert quality.entered_before(dt.date(2028, 5, 29), 3) == dt.date(2028, 2, 29)  # leap year
    assert quality.entered_before(dt.date(2026, 2, 10), 2) == dt.date(2025, 12, 10)


def test_entered_before_agrees_with_anniversaries_every_day():
    first = dt.date(2026, 12, 1)
    for today in (first + dt.timedelta(days=i) for i in range(0, 460, 3)):
        for months in (1, 2, 3, 6, 12):
            bound = quality.entered_before(today, months)
            for day in (bound - dt.timedelta(days=i) for i in (-3, -2, -1, 0, 1, 2, 3)):
                assert (day < bound) == (anniversary(day, months) < today), (today, months, day)
