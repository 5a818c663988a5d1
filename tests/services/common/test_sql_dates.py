"""The SQL date expressions agree with ``domain.dates`` on this database (SQLite or PostgreSQL)."""
import datetime as dt
import random

from sqlalchemy import Date, Integer, literal, select, union_all

from app.domain import dates
from app.extensions import db
from app.services.common import sql_dates

EDGES = [dt.date(2024, 2, 29), dt.date(2023, 2, 28), dt.date(2026, 1, 31), dt.date(2026, 3, 31),
         dt.date(2026, 8, 31), dt.date(2000, 2, 29), dt.date(1900, 3, 1), dt.date(2026, 12, 31),
         dt.date(2026, 12, 1), dt.date(2027, 1, 1), dt.date(2028, 2, 29), dt.date(2025, 5, 31)]


def _pairs(n=300):
    rng = random.Random(6)
    out = [(a, b) for a in EDGES for b in EDGES]
    for _ in range(n):
        a = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 30000))
        b = a + dt.timedelta(days=rng.randrange(-400, 9000))
        out.append((a, b))
    return out


def _rows(pairs):
    """The pairs as a derived table (a, b) with portable SELECT … UNION ALL."""
    parts = [select(literal(a, Date).label("a"), literal(b, Date).label("b")) for a, b in pairs]
    return union_all(*parts).subquery("t")


def test_months_between_and_ages(ctx):
    pairs = _pairs()
    t = _rows(pairs)
    got = db.session.execute(select(t.c.a, t.c.b, sql_dates.months_between(t.c.a, t.c.b),
                                    sql_dates.ymd(t.c.b) - sql_dates.ymd(t.c.a))).all()
    for a, b, months, ymd_diff in got:
        a, b = _date(a), _date(b)
        assert months == dates.months_between(a, b), (a, b)
        if b >= a:
            assert ymd_diff // 10000 == dates.age_on(a, b), (a, b)


def test_anniversaries(ctx):
    starts = EDGES + [dt.date(1990, 1, 1) + dt.timedelta(days=i * 37) for i in range(200)]
    t = _rows([(s, s) for s in starts])
    for months in (0, 1, 2, 6, 12, 18, 48, 72):
        got = db.session.execute(select(t.c.a, sql_dates.anniversary(t.c.a, months))).all()
        for start, result in got:
            start = _date(start)
            assert _date(result) == dates.anniversary(start, months), (start, months)


def test_anniversary_with_months_from_a_column(ctx):
    doses = union_all(*[select(literal(m, Integer).label("m")) for m in (0, 1, 13)]).subquery("d")
    t = _rows([(dt.date(2026, 1, 31), dt.date(2026, 1, 31))])
    got = db.session.execute(select(doses.c.m, sql_dates.anniversary(t.c.a, doses.c.m)).select_from(t).join(
        doses, literal(True))).all()
    assert {m: _date(d) for m, d in got} == {0: dt.date(2026, 1, 31), 1: dt.date(2026, 3, 1),
                                              13: dt.date(2027, 3, 1)}


def test_by_key_picks_precomputed_dates(ctx):
    got = db.session.scalar(select(sql_dates.by_key(literal(2), {0: dt.date(2026, 12, 1), 2: dt.date(2026, 12, 3)})))
    assert _date(got) == dt.date(2026, 12, 3)


def _date(value):
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
