"""Writing many rows at once: ``COPY`` on PostgreSQL, one executemany elsewhere.

Used where thousands of rows arrive together (the demo county, ledger imports): a row
at a time through the ORM costs about a millisecond each, ``COPY`` a few microseconds.
Callers build plain dicts with the same keys in every row.
"""
from __future__ import annotations

import itertools
import json
from collections.abc import Iterable

import psycopg

from sqlalchemy import JSON, any_, bindparam, column, insert, text, update
from sqlalchemy import table as table_clause
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError

from ...extensions import db


def _json_columns(table, columns: list[str]) -> list[int]:
    return [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]


def write(table, rows: Iterable[dict]) -> None:
    """Insert ``rows`` into ``table`` (a ``Table``) in the session's transaction. ``rows``
    may be made as they are sent (a generator): on PostgreSQL each is then built while
    the server takes in those before it, instead of all of them before the first is sent."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    rows = itertools.chain((first,), rows)
    bind = db.session.connection()
    if bind.dialect.name == "postgresql":
        columns = list(first)
        as_json = _json_columns(table, columns)
        raw = bind.connection.driver_connection
        quoted = ", ".join(f'"{c}"' for c in columns)  # names come from the code's own tables
        statement = f'COPY "{table.name}" ({quoted}) FROM STDIN'
        try:
            with raw.cursor().copy(statement) as copy:
                for row in rows:
                    values = [row[c] for c in columns]
                    for i in as_json:
                        if values[i] is not None:
                            values[i] = json.dumps(values[i], ensure_ascii=False, default=str)
                    copy.write_row(values)  # psycopg formats and escapes each value (in C)
        except psycopg.IntegrityError as exc:  # as the ORM would raise it (a unique key met a twin)
            raise IntegrityError(statement, None, exc) from exc
    else:
        db.session.execute(insert(table), list(rows))


def write_with_ids(table, rows: list[dict]) -> list[int]:
    """Insert ``rows`` and return their new ids, in order (each row gets its ``id``)."""
    if not rows:
        return []
    bind = db.session.connection()
    if bind.dialect.name == "postgresql":
        ids = list(db.session.scalars(text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": table.name, "n": len(rows)}))
        for row, key in zip(rows, ids):
            row["id"] = key
        write(table, rows)
        return ids
    result = db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    ids = [r[0] for r in result]
    for row, key in zip(rows, ids):
        row["id"] = key
    return ids


def any_of(column, values: list):
    """``column IN values`` for long lists: on PostgreSQL one array parameter
    (``= ANY(:array)``) instead of thousands of bound parameters to send and parse."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def update_from(table, key: str, rows: list[dict], *conditions, also: dict | None = None) -> None:
    """``UPDATE table`` row by row from ``rows`` (plain dicts of ``table``'s columns): each
    row names its target by ``key`` and gives the new values of its other columns.
    ``conditions`` narrow the targets further; ``also`` sets more columns (expressions).

    On PostgreSQL the rows go into a temporary table by ``COPY`` and one joined UPDATE
    applies them — an UPDATE per row would look each target up again, and during the demo
    county's bulk load the lookup columns have no index. Elsewhere one executemany."""
    if not rows:
        return
    names = list(rows[0])
    values = [n for n in names if n != key]
    bind = db.session.connection()
    if bind.dialect.name == "postgresql":
        temp = f"bulk_{table.name}"  # names come from the code's own tables
        quoted = ", ".join(f'"{n}"' for n in names)
        bind.exec_driver_sql(f'CREATE TEMP TABLE "{temp}" AS SELECT {quoted} FROM "{table.name}" WITH NO DATA')
        try:
            write(table_clause(temp, *(column(n) for n in names)), rows)
            source = table_clause(temp, *(column(n) for n in names))
            bind.execute(update(table).where(table.c[key] == source.c[key], *conditions)
                         .values({**{n: source.c[n] for n in values}, **(also or {})}))
        finally:
            bind.exec_driver_sql(f'DROP TABLE "{temp}"')
        return
    bind.execute(update(table).where(table.c[key] == bindparam("k_" + key), *conditions)
                 .values({**{n: bindparam("v_" + n) for n in values}, **(also or {})}),
                 [{("k_" if n == key else "v_") + n: row[n] for n in names} for row in rows])

