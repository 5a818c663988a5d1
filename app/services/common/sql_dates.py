"""``domain.dates`` in SQL, so that planning works on whole tables at once.

SQLite and PostgreSQL do date arithmetic differently (PostgreSQL clamps 31 January plus
a month to 28 February, SQLite rolls over to 3 March), so nothing here uses either:
dates are taken apart into integers (``EXTRACT``), computed on with integer arithmetic
following the rules of ``domain.dates``, and put together again with ``make_date``, the
one construct that differs by dialect. ``tests/services/test_sql_dates.py`` checks every
expression against the Python version on both databases.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String, case, cast, extract, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction


class make_date(GenericFunction):  # noqa: N801 (an SQL function's name)
    """make_date(year, month, day) → date."""

    type = Date()
    inherit_cache = True


@compiles(make_date, "postgresql")
def _make_date_pg(element, compiler, **kw):
    return "make_date(%s)" % compiler.process(element.clauses, **kw)


@compiles(make_date, "sqlite")
def _make_date_sqlite(element, compiler, **kw):
    # SQLAlchemy keeps SQLite dates as ISO text, which is what printf makes.
    return "printf('%%04d-%%02d-%%02d', %s)" % compiler.process(element.clauses, **kw)


def _part(field: str, column):
    return cast(extract(field, column), Integer)


def year(column):
    return _part("year", column)


def month(column):
    return _part("month", column)


def day(column):
    return _part("day", column)


def ymd(column):
    """``domain.dates.ymd``: 20261201 for 1 December 2026."""
    return year(column) * 10000 + month(column) * 100 + day(column)


def month_index(column):
    return year(column) * 12 + month(column) - 1


def const(value: dt.date):
    return literal(value, Date)


def months_between(start, on):
    """``domain.dates.months_between(start, on)``; ``on`` a column or a date."""
    on = const(on) if isinstance(on, dt.date) else on
    return month_index(on) - month_index(start) - case((day(on) < day(start), 1), else_=0)


def age_at_least(birth, on_ymd, years: int):
    """Whole years from ``birth`` to the day whose ``ymd`` is ``on_ymd`` are ≥ ``years``."""
    return on_ymd - ymd(birth) >= years * 10000


def age_at_most(birth, on_ymd, years: int):
    return on_ymd - ymd(birth) < (years + 1) * 10000


def _days_in_month(y, m):
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    return case((m == 2, case((leap, 29), else_=28)), (m.in_([4, 6, 9, 11]), 30), else_=31)


def anniversary(start, months):
    """``domain.dates.anniversary(start, months)``; ``months`` a number or a column."""
    index = month_index(start) + months
    y, m = index // 12, index % 12 + 1
    d = day(start)
    after = index + 1  # the 1st of the following month, where the month has no such day
    return case((d <= _days_in_month(y, m), make_date(y, m, d)),
                else_=make_date(after // 12, after % 12 + 1, 1))


def cast_text(column):
    return cast(column, String)


def by_key(key, values: dict):
    """``CASE key WHEN k THEN values[k] …``: pick one of a few precomputed values per row."""
    return case({k: literal(v, Date) if isinstance(v, dt.date) else literal(v) for k, v in values.items()},
                value=key)
