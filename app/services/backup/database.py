"""Copying the database out and in: SQLite's online backup API, PostgreSQL's pg_dump and
pg_restore (custom format). The PostgreSQL connection settings go to the tools through the
environment (PGHOST, PGPASSWORD …), never on a command line others can read."""
from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Callable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url

SQLITE_NAME, POSTGRES_NAME = "database.sqlite", "database.dump"


def file_name(engine: Engine) -> str:
    return SQLITE_NAME if engine.dialect.name == "sqlite" else POSTGRES_NAME


def _sqlite_path(engine: Engine) -> str:
    return make_url(str(engine.url)).database


def _pg_environment(engine: Engine) -> dict:
    url = engine.url
    env = {**os.environ, "PGHOST": url.host or "127.0.0.1", "PGPORT": str(url.port or 5432),
           "PGUSER": url.username or "postgres", "PGDATABASE": url.database}
    if url.password:
        env["PGPASSWORD"] = url.password
    return env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {result.stderr.strip()[-1000:]}")


def dump(engine: Engine, target: Path, measure: Callable[[Connection], dict]) -> dict:
    """Copy the database to ``target`` while the app runs, and return ``measure(conn)`` of a
    connection that sees exactly what was copied (the copy itself on SQLite; on PostgreSQL
    the transaction whose snapshot pg_dump is given)."""
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_path(engine))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # page by page, consistent, while others read and write
        finally:
            copy.close()
            source.close()
        copied = create_engine(f"sqlite:///{target}")
        try:
            with copied.connect() as conn:
                return measure(conn)
        finally:
            copied.dispose()
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  f"--file={target}"], _pg_environment(engine))
            return measure(conn)


def load(engine: Engine, source: Path) -> None:
    """Replace the whole database with the copy in ``source``."""
    engine.dispose()  # the app's pooled connections would hold the old file or schema
    if engine.dialect.name == "sqlite":
        copy = sqlite3.connect(source)
        live = sqlite3.connect(_sqlite_path(engine))
        try:
            copy.backup(live)
        finally:
            live.close()
            copy.close()
        return
    with engine.connect() as conn:  # an empty schema first: tables made since the backup go too
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        conn.commit()
    _run(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
          f"--dbname={engine.url.database}", str(source)], _pg_environment(engine))
    engine.dispose()
