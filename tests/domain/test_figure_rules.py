"""Rates, targets and the geometry of the report charts."""
from app.domain import charts
from app.domain.figures import BELOW, MET, NO_DATA, Ratio, Sum, change, status, total


def test_rates_and_their_sums():
    assert Ratio(45, 50).rate == 90.0 and Ratio(0, 0).rate is None and Ratio(11, 10).rate == 110.0
    assert total([Ratio(1, 2), Ratio(3, 4, 1)]) == Ratio(4, 6, 1)
    assert total([Sum(2), Sum(3, 1)]) == Sum(5, 1) and total([]) == Ratio()
    assert Ratio(8, 10).shortfall == 2 and Ratio(12, 10).shortfall == 0


def test_target_comparison_at_the_precision_shown():
    assert status(95.0, 95) == MET and status(94.94, 95) == BELOW
    assert status(94.96, 95) == MET  # shown as 95.0 %
    assert status(None, 95) == NO_DATA
    assert change(93.44, 91.0) == 2.4 and change(None, 90) is None


def test_trend_line_geometry():
    t = charts.trend([90.0, None, 95.0, 100.0], ["1", "2", "3", "4"], target=95, width=320, height=150,
                     left=36, right=10, top=10, bottom=24)
    assert (t.low, t.high) == (80.0, 100.0)
    assert [p.x for p in t.points] == [36.0, 218.7, 310.0]  # months 1, 3, 4 of 4 across 274 units
    assert t.points[-1].y == 10.0 and t.points[0].y == 68.0  # 100 % at the top, 90 % half way down 116
    assert t.segments == ["36.0,68.0", "218.7,39.0 310.0,10.0"]  # no line through the missing month
    assert t.target_y == 39.0
    assert [v for _, v in t.y_ticks] == [80.0, 85.0, 90.0, 95.0, 100.0]
    wide = charts.trend([41.6, 91.1], ["a", "b"], target=95)
    assert (wide.low, wide.high) == (20.0, 100.0) and [v for _, v in wide.y_ticks] == [20.0, 40.0, 60.0, 80.0, 100.0]
    assert charts.trend([None, None], ["a", "b"]).points == []


def test_value_range_shows_differences():
    assert charts.value_range([96.0, 99.0], 98) == (90.0, 100.0)
    assert charts.value_range([0.0, 40.0]) == (0.0, 100.0)
    assert charts.value_range([104.0], 95) == (90.0, 110.0)
    assert charts.value_range([]) == (0.0, 100.0)


def test_every_nth_label_keeps_the_last_month():
    t = charts.trend([1.0] * 12, [str(i) for i in range(1, 13)], every=2)
    assert [label for _, label in t.x_labels] == ["2", "4", "6", "8", "10", "12"]


def test_bars():
    assert charts.bar(50, 95) == charts.Bar(50.0, 95.0)
    assert charts.bar(None) == charts.Bar(0.0, None)
    assert charts.bar(120, 95, scale=charts.bar_scale([120, 80])) == charts.Bar(100.0, 79.17)
    assert charts.bar_scale([None, 80]) == 100.0
