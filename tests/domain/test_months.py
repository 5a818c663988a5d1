import datetime as dt

from app.domain.months import Month


def test_parse_and_shift():
    assert Month.parse("2026-11") == Month(2026, 11) and Month.parse(" 2026-3 ") == Month(2026, 3)
    for bad in ("", None, "2026-13", "2026-00", "26-11", "2026/11", "abcd-ef", "0099-01"):
        assert Month.parse(bad) is None, bad
    assert Month(2026, 1).shift(-1) == Month(2025, 12) and Month(2026, 12).shift(1) == Month(2027, 1)
    assert Month(2026, 3).last(3) == [Month(2026, 1), Month(2026, 2), Month(2026, 3)]
    assert Month(2026, 2).last_day == dt.date(2026, 2, 28) and Month(2024, 2).last_day == dt.date(2024, 2, 29)


def test_bounds_are_beijing_midnights_in_utc():
    m = Month(2026, 12)
    assert (m.first, m.next) == (dt.date(2026, 12, 1), dt.date(2027, 1, 1))
    assert m.start_utc == dt.datetime(2026, 11, 30, 16, 0) and m.end_utc == dt.datetime(2026, 12, 31, 16, 0)
    assert Month.of(dt.date(2026, 12, 31)) == m and str(m) == "2026-12"
