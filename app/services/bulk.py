"""Writing many rows at once: ``COPY`` on PostgreSQL, one executemany elsewhere.

Used where thousands of rows arrive together (the demo county, ledger imports): a row
at a time through the ORM costs about a millisecond each, ``COPY`` a few microseconds.
Callers build plain dicts with the same keys in every row.
"""
from __future__ import annotations

import csv
import io
import json

from sqlalchemy import insert, text

from ..extensions import db


def _copy_value(value):
    if value is None:
        return "\\N"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def write(table, rows: list[dict]) -> None:
    """Insert ``rows`` into ``table`` (a ``Table``) in the session's transaction."""
    if not rows:
        return
    bind = db.session.connection()
    if bind.dialect.name == "postgresql":
        columns = list(rows[0])
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow([_copy_value(row[c]) for c in columns])
        raw = bind.connection.driver_connection
        quoted = ", ".join(f'"{c}"' for c in columns)  # names come from the code's own tables
        with raw.cursor().copy(f'COPY "{table.name}" ({quoted}) FROM STDIN WITH (FORMAT csv, NULL \'\\N\')') as copy:
            copy.write(buffer.getvalue())
    else:
        db.session.execute(insert(table), rows)


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
