import datetime as dt

from app.domain import outflow as rules

TODAY = dt.date(2026, 12, 4)


def test_four_knows_needs_the_destination_down_to_the_township():
    assert rules.four_knows("work", "440305001", "厨师", "13800000000").complete
    partial = rules.four_knows("work", "440305", "", None)
    assert partial.missing == ("destination", "occupation", "contact") and partial.known == ("reason",)


def test_left_behind_is_under_16_or_60_and_over():
    assert rules.left_behind_kind(dt.date(2010, 12, 5), TODAY) == "child"  # 15, sixteen tomorrow
    assert rules.left_behind_kind(dt.date(2010, 12, 4), TODAY) is None  # 16 today
    assert rules.left_behind_kind(dt.date(1966, 12, 4), TODAY) == "elderly"
    assert rules.left_behind_kind(dt.date(1966, 12, 5), TODAY) is None


def test_who_may_be_registered_as_left_behind():
    assert rules.left_behind_problem(dt.date(2027, 1, 1), TODAY) == "出生日期在未来"
    assert rules.left_behind_problem(dt.date(1899, 12, 31), TODAY) == "出生日期早于 1900 年"
    assert "60 周岁" in rules.left_behind_problem(dt.date(1990, 1, 1), TODAY)
    assert rules.left_behind_problem(dt.date(2020, 1, 1), TODAY) is None
    assert rules.left_behind_problem(dt.date(1950, 1, 1), TODAY) is None


def test_absence_dates():
    assert rules.absence_problems(dt.date(2026, 12, 5), TODAY) == {"left_on": "外出日期不能在未来"}
    assert "expected_return" in rules.absence_problems(dt.date(2026, 5, 1), TODAY, dt.date(2026, 4, 1))
    assert "returned_on" in rules.absence_problems(dt.date(2026, 5, 1), TODAY, returned_on=dt.date(2026, 4, 30))
    assert rules.absence_problems(dt.date(2026, 5, 1), TODAY, returned_on=dt.date(2026, 5, 1)) == {}
    born = dt.date(2010, 3, 4)
    assert rules.absence_problems(dt.date(2005, 1, 1), TODAY, born=born) == {"left_on": "外出日期早于出生日期"}
    assert rules.absence_problems(born, TODAY, born=born) == {}


def test_backoff_doubles_up_to_an_hour():
    assert [rules.backoff_seconds(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert rules.backoff_seconds(20) == 3600
