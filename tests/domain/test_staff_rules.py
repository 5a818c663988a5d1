import datetime as dt
from decimal import Decimal

from app.domain import staff_performance as rules

RATES = rules.Rates.of(0.5, 1, 1.5)


def test_reward_at_the_seed_rates():
    assert rules.reward(10, 8, 4, RATES) == Decimal("19.00")  # 5 + 8 + 6
    assert rules.reward(1, 0, 0, rules.Rates.of(0.333, 0, 0)) == Decimal("0.33")


def test_entry_delay_median_and_late():
    assert rules.entry_figures([], 24) == (None, 0)
    assert rules.entry_figures([1, 2, 30, 50], 24) == (16.0, 2)
    assert rules.entry_figures([24], 24) == (24.0, 0)  # exactly on time is on time


def test_delay_hours():
    t = dt.datetime(2026, 5, 1, 9)
    assert rules.delay_hours(t, t + dt.timedelta(hours=30)) == 30
    assert rules.delay_hours(None, t) == 0 and rules.delay_hours(t, t - dt.timedelta(hours=1)) == 0


def test_months():
    today = dt.date(2026, 3, 15)
    assert rules.month_of("2026-01", today) == dt.date(2026, 1, 1)
    for bad in ("2026-13", "x", "", None, "2027-01", "2026-01-05", "1900-01"):
        assert rules.month_of(bad, today) == dt.date(2026, 3, 1), bad
    assert rules.recent_months(today, 4) == [dt.date(2026, 3, 1), dt.date(2026, 2, 1), dt.date(2026, 1, 1), dt.date(2025, 12, 1)]


def test_totals_add_rewards_and_take_the_median_of_everything():
    a = rules.complete(rules.StaffMonth(1, "a", collected=2, entered=2), [1, 3], 24, RATES)
    b = rules.complete(rules.StaffMonth(2, "b", collected=1, entered=1, approved=1), [40], 24, RATES)
    total = rules.totals([a, b], [1, 3, 40], 24, RATES)
    assert (total.collected, total.entered, total.approved, total.late, total.median_hours) == (3, 3, 1, 1, 3.0)
    assert total.reward == a.reward + b.reward == Decimal("3.00") + Decimal("3.00")
