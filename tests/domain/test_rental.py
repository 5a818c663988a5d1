import datetime as dt

from app.domain import rental


def test_days_late_counts_past_the_deadline():
    moved_in = dt.date(2026, 3, 1)
    assert rental.days_late(moved_in, dt.date(2026, 3, 4), 3) == 0
    assert rental.days_late(moved_in, dt.date(2026, 3, 5), 3) == 1
    assert rental.days_late(moved_in, dt.date(2026, 2, 27), 3) == 0  # reported ahead


def test_signature_threshold_and_signed_state():
    assert rental.signature_threshold([]) is None
    assert rental.is_signed([], None) is None
    assert rental.signature_threshold([(1, False), (2, False)]) == 1
    assert rental.is_signed([1], 1) is True
    # version 3 asked everybody to sign again: a signature of version 2 no longer counts
    threshold = rental.signature_threshold([(1, False), (2, False), (3, True), (4, False)])
    assert threshold == 3
    assert rental.is_signed([2], threshold) is False
    assert rental.is_signed([2, 4], threshold) is True


def test_same_name_ignores_spaces_only():
    assert rental.same_name("王 建国", "王建国")
    assert not rental.same_name("王建", "王建国")
    assert not rental.same_name("", "")


def test_percent_rounds_down():
    assert rental.percent(0, 0) is None
    assert rental.percent(299, 300) == 99
    assert rental.percent(3, 3) == 100


def test_recent_months_and_parse_month():
    assert rental.recent_months(dt.date(2026, 2, 15), 3) == [dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    assert rental.parse_month("2026-03") == dt.date(2026, 3, 1)
    for bad in ("", None, "2026-13", "26-01", "x-y", "2026-03-01"):
        assert rental.parse_month(bad) is None
