import datetime as dt

from app.domain.events import event_date_problem

TODAY = dt.date(2026, 11, 20)


def test_a_move_or_departure_date_is_between_the_arrival_and_today():
    arrived = dt.date(2026, 1, 10)
    assert event_date_problem(TODAY, TODAY, arrived_on=arrived) is None
    assert event_date_problem(arrived, TODAY, arrived_on=arrived) is None
    assert str(event_date_problem(TODAY + dt.timedelta(days=1), TODAY, arrived_on=arrived)) == "日期不能在未来"
    early = event_date_problem(dt.date(2026, 1, 9), TODAY, arrived_on=arrived)
    assert str(early) == "日期早于来本地日期（2026-01-10）" and early.params == {"date": "2026-01-10"}
    assert "入住日期" in str(event_date_problem(dt.date(2026, 2, 1), TODAY, arrived_on=arrived,
                                              moved_in_on=dt.date(2026, 3, 1)))
    assert event_date_problem(dt.date(2000, 1, 1), TODAY) is None  # nothing known to compare with
