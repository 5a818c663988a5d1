"""What a backup must bring back: every table's row count, and a checksum of the rows of the
key tables (read in primary-key order, so the same rows give the same checksum)."""
from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ...extensions import db

# The records a station cannot lose; the rest (figures, jobs …) is counted, not summed.
KEY_TABLES = ("area", "user", "person", "dwelling", "landlord", "tenancy", "movement", "card", "change_request",
              "appointment", "document", "notice", "agreement", "audit_log")


def table_counts(conn: Connection) -> dict[str, int]:
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
            for t in db.metadata.sorted_tables}


def table_checksum(conn: Connection, name: str) -> str:
    table = db.metadata.tables[name]
    digest = hashlib.sha256()
    order = list(table.primary_key.columns) or list(table.columns)
    for row in conn.execute(select(table).order_by(*order)).yield_per(5000):
        digest.update(repr(tuple(row)).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def summary(conn: Connection) -> dict:
    """``{"rows": {table: count}, "checksums": {key table: sha256}}``."""
    return {"rows": table_counts(conn),
            "checksums": {name: table_checksum(conn, name) for name in KEY_TABLES if name in db.metadata.tables}}
