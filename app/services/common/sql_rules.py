"""Domain rules written as SQL expressions, for counting them over whole areas at once.

Each one mirrors a rule of ``app.domain`` and is built from that rule's own constants;
tests run both over the same values (on SQLite and PostgreSQL) and require the same
answers. Constants are written into the SQL as literals, not parameters: they never come
from input, and PostgreSQL can only match ``id_body`` to its expression index
(``ix_person_id_body``, migration 0006) when the query spells it the same way.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, and_, case, cast, func, literal_column, not_, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.types import Boolean, Float

from ...domain.idcard import CHECK_CHARS, EARLIEST_BIRTH, WEIGHTS
from ...domain.quality import BAD_CHECK, MISSING, NONSTANDARD


def _int(value: int):
    return literal_column(str(int(value)))


def _text(value: str):
    # Only for constants of this module (digits, letters, '/'): never input.
    assert "'" not in value
    return literal_column(f"'{value}'")


class _StandardForm(FunctionElement):
    """17 ASCII digits and a digit or upper-case X: the stored form of an ID number."""

    type = Boolean()
    inherit_cache = True


@compiles(_StandardForm)
def _standard_form_sqlite(element, compiler, **kw):
    (column,) = element.clauses
    return f"({compiler.process(column, **kw)} GLOB '{'[0-9]' * 17}[0-9X]')"


@compiles(_StandardForm, "postgresql")
def _standard_form_postgresql(element, compiler, **kw):
    (column,) = element.clauses
    return f"({compiler.process(column, **kw)} ~ '^[0-9]{{17}}[0-9X]$')"


def _substr(column, start: int, length: int):
    return func.substr(column, _int(start), _int(length))


def _valid_birth_date(column, today: dt.date) -> ColumnElement:
    """Characters 7–14 are a real date from 1900 to today (as ``idcard._birth_date``)."""
    ymd, year, month, day = (_substr(column, 7, 8), _substr(column, 7, 4), _substr(column, 11, 2),
                             _substr(column, 13, 2))
    y = cast(year, Integer)
    leap = and_(y % _int(4) == _int(0), or_(y % _int(100) != _int(0), y % _int(400) == _int(0)))
    days_in_month = case(
        (month == _text("02"), case((leap, _text("29")), else_=_text("28"))),
        (month.in_([_text(m) for m in ("04", "06", "09", "11")]), _text("30")),
        else_=_text("31"))
    return and_(ymd >= _text(EARLIEST_BIRTH.strftime("%Y%m%d")), ymd <= _text(today.strftime("%Y%m%d")),
                month >= _text("01"), month <= _text("12"), day >= _text("01"), day <= days_in_month)


def _check_character(column) -> ColumnElement:
    total = None
    for i, weight in enumerate(WEIGHTS):
        term = cast(_substr(column, i + 1, 1), Integer) * _int(weight)
        total = term if total is None else total + term
    return func.substr(_text(CHECK_CHARS), (total % _int(11)) + _int(1), _int(1))


def id_fault(column, today: dt.date) -> ColumnElement:
    """``missing``, ``nonstandard``, ``bad_check`` or NULL, as ``domain.quality.id_problem``.

    A CASE, so that the digits are only cast to numbers once the form is known to be
    digits (its branches are evaluated in order)."""
    return case(
        (or_(column.is_(None), column == _text("")), _text(MISSING)),
        (not_(_StandardForm(column)), _text(NONSTANDARD)),
        (not_(_valid_birth_date(column, today)), _text(NONSTANDARD)),
        (_check_character(column) != _substr(column, 18, 1), _text(BAD_CHECK)),
        else_=None)


def id_body(column) -> ColumnElement:
    """``domain.quality.id_body`` in SQL; the expression of index ``ix_person_id_body``."""
    return case((func.length(column) == _int(15),
                 _substr(column, 1, 6).concat(_text("19")).concat(_substr(column, 7, 9))),
                else_=_substr(column, 1, 17))


class SecondsBetween(FunctionElement):
    """Seconds from the first timestamp to the second (stored naive UTC)."""

    type = Float()
    inherit_cache = True


@compiles(SecondsBetween)
def _seconds_sqlite(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST(strftime('%s', {end}) AS INTEGER) - CAST(strftime('%s', {start}) AS INTEGER))"


@compiles(SecondsBetween, "postgresql")
def _seconds_postgresql(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


def within_hours(start, end, hours: int) -> ColumnElement:
    """``end`` came at most ``hours`` after ``start``."""
    return SecondsBetween(start, end) <= _int(int(hours) * 3600)
