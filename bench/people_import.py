#!/usr/bin/env python
"""Benchmark: importing a 100,000-row people ledger into the 1,000,000-people database (DESIGN §6: ≤ 60 s).

    .venv/bin/python bench/people_import.py                       # 100,000 rows, 3 runs
    .venv/bin/python bench/people_import.py --rows 20000 --runs 1

What it does, each run:

1. Writes an ``.xlsx`` ledger of ``--rows`` new people (valid, unique ID numbers of a
   household place the demo data does not use, so none is registered yet) spread over
   the demo supervisor's township: name, ID number, sex, phone, household address,
   current address (about 4 people per address, half of them addresses already in the
   database), date of arrival as text in several forms, and the grid code.
2. Times the three steps of ``flask import-people`` as the demo ``supervisor``: the
   upload (read and keep the file, find header and columns), the dry run (every row
   checked, duplicates against the database), and the import (checked again, then
   people, arrivals, tenancies, cards, new dwellings and audit rows written, committed).
3. Imports the same file again and times it: every row must come back as a duplicate.
4. Deletes what the run imported (people cascade to arrivals, tenancies and cards) and
   vacuums, so that the next run starts from the same database; then imports the file
   once more the command line's way (``flask import-people``: one check, then the
   import, which checks only the database again) and deletes that too.

The database must already hold the demo county (``bench/worklist.py`` seeds it) at the
current schema (``flask db upgrade``). Results: printed and written to
``bench/results/people-import-<timestamp>.md`` (git-ignored).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/anju_bench"
REGION = "110101"  # 北京市东城区: not among the demo data's household places
# The ledger's addresses that are not in the database yet: new for every ledger written, so
# that every import makes its dwellings (they stay: deleting dwellings means scanning the
# movements that could point to them).
NEW_ADDRESS = "导入路 {stamp}-{n} 号"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--user", default="supervisor")
    p.add_argument("--results-dir", default=str(ROOT / "bench" / "results"))
    return p.parse_args(argv)


def ledger(app, rows: int, username: str, seed: int) -> bytes:
    from sqlalchemy import select

    from app.domain.idcard import make_id_number
    from app.extensions import db
    from app.models import Dwelling, User
    from app.services import scope
    from app.services.common.spreadsheet import Sheet, write_xlsx
    from app.services.demo.county import GIVEN, SURNAMES

    rng = random.Random(seed)
    stamp = dt.datetime.now().strftime("%H%M%S%f")
    with app.test_request_context():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        grids = scope.grids(user)
        existing = {g.id: list(db.session.scalars(select(Dwelling.address).where(Dwelling.grid_id == g.id).limit(50)))
                    for g in grids}
    used: set[str] = set()
    out = []
    day = dt.date(1960, 1, 1)
    for i in range(rows):
        grid = grids[i % len(grids)]
        while True:
            born = day + dt.timedelta(days=rng.randrange(0, 365 * 45))
            number = make_id_number(REGION, born, rng.randrange(0, 1000))
            if number not in used:
                used.add(number)
                break
        arrived = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 300))
        shown = rng.choice([arrived.isoformat(), f"{arrived.year}.{arrived.month}.{arrived.day}",
                            f"{arrived:%Y%m%d}", f"{arrived.year}年{arrived.month}月{arrived.day}日"])
        if existing[grid.id] and rng.random() < 0.5:
            address = rng.choice(existing[grid.id])
        else:
            address = NEW_ADDRESS.format(stamp=stamp, n=i // 4)
        out.append([i + 1, rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), "男" if int(number[16]) % 2 else "女",
                    number, f"139 {rng.randrange(0, 10**4):04d} {rng.randrange(0, 10**4):04d}", "北京市东城区某街道 1 号",
                    address, shown, grid.code])
    headers = ["序号", "姓名", "性别", "公民身份号码", "联系电话", "户籍地址", "现住址", "来本地日期", "网格编码"]
    return write_xlsx([Sheet("台账", headers, out, preamble=("流动人口登记台账（基准测试）",))]).read()


def one_run(app, data: bytes, username: str) -> dict:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User
    from app.services.common.context import Actor
    from app.services.registry import people_import

    timings = {}
    loads = timings["load_1min"] = {}  # the load average as each step starts (a shared machine's noise)

    def start(step: str) -> float:
        loads[step] = round(os.getloadavg()[0], 2)
        return time.perf_counter()

    with app.test_request_context():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        actor = Actor(user.id, f"bench:{username}")
        t0 = start("upload")
        job = people_import.upload(actor, user, "bench.xlsx", data)
        timings["upload_s"] = time.perf_counter() - t0
        t0 = start("dry_run")
        result = people_import.check(actor, user, job)
        timings["dry_run_s"] = time.perf_counter() - t0
        timings["ready"] = result.count("ready")
        t0 = start("import")
        people_import.run(actor, user, job)
        timings["import_s"] = time.perf_counter() - t0
        timings["imported"] = job.imported
        timings["dwellings"] = job.summary.get("dwellings")
        timings["total_s"] = timings["upload_s"] + timings["dry_run_s"] + timings["import_s"]

        again = people_import.upload(actor, user, "bench.xlsx", data)
        t0 = start("again_dry_run")
        second = people_import.check(actor, user, again)
        timings["again_dry_run_s"] = time.perf_counter() - t0
        timings["again_duplicates"] = second.count("duplicate")
        people_import.discard(actor, user, again)

        timings["cleanup_s"], timings["deleted"] = remove(job)

        # The command line's way: one check, then the import (which re-checks only the database).
        t0 = start("cli")
        job = people_import.upload(actor, user, "bench.xlsx", data)
        result = people_import.analyse(user, job)
        people_import.run(actor, user, job, analysis=result)
        timings["cli_s"] = time.perf_counter() - t0
        timings["cli_imported"] = job.imported
        remove(job)
    return timings


def remove(job) -> tuple[float, int]:
    """Delete the people an import made (arrivals, tenancies, cards cascade)."""
    from sqlalchemy import delete, func, select, text

    from app.extensions import db
    from app.models import Person

    t0 = time.perf_counter()
    imported = db.session.scalar(select(func.count()).select_from(Person).where(Person.import_id == job.id))
    db.session.execute(delete(Person).where(Person.import_id == job.id))
    db.session.commit()
    # As autovacuum would before long: the next run should not wade through dead rows.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("person", "movement", "tenancy", "card", "audit_log", "dwelling"):
            conn.execute(text(f"VACUUM ANALYZE {table}"))
    return time.perf_counter() - t0, imported


def main(argv=None) -> int:
    from worklist import git_rev, machine, make_app

    args = parse_args(argv)
    os.environ.pop("DATABASE_URL", None)
    app = make_app(args.database_url)
    report = {"when": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "machine": machine(), "git": git_rev(),
              "rows": args.rows, "database": args.database_url.rsplit("@", 1)[-1], "runs": []}
    for n in range(args.runs):
        # A new ledger each run (same people, new addresses): every run makes its dwellings.
        t0 = time.perf_counter()
        data = ledger(app, args.rows, args.user, 7)
        report["file_mb"] = round(len(data) / 1024 / 1024, 2)
        print(f"Wrote a ledger of {args.rows:,} rows, {report['file_mb']} MB, in {time.perf_counter() - t0:.1f} s",
              flush=True)
        load = os.getloadavg()
        timings = one_run(app, data, args.user)
        timings["load_before"], timings["load_after"] = load, os.getloadavg()
        report["runs"].append(timings)
        print(f"run {n + 1}: upload {timings['upload_s']:.1f} s, dry run {timings['dry_run_s']:.1f} s, "
              f"import {timings['import_s']:.1f} s, total {timings['total_s']:.1f} s; imported {timings['imported']:,}"
              f" with {timings['dwellings']:,} new dwellings; again: {timings['again_duplicates']:,} duplicates in "
              f"{timings['again_dry_run_s']:.1f} s; command line {timings['cli_s']:.1f} s "
              f"(load {load[0]:.1f} → {timings['load_after'][0]:.1f}; at each step {timings['load_1min']})", flush=True)
    keys = ("upload_s", "dry_run_s", "import_s", "total_s", "again_dry_run_s", "cli_s")
    report["median"] = {k: round(statistics.median(r[k] for r in report["runs"]), 1) for k in keys}
    lines = [f"# People import benchmark — {report['when']}", "",
             f"{args.rows:,} rows ({report['file_mb']} MB .xlsx), git {report['git']}, {report['database']}", "",
             "| step | " + " | ".join(f"run {i + 1}" for i in range(len(report["runs"]))) + " | median |",
             "|---|" + "---:|" * (len(report["runs"]) + 1)]
    for k in keys:
        lines.append(f"| {k[:-2]} (s) | " + " | ".join(f"{r[k]:.1f}" for r in report["runs"]) + f" | {report['median'][k]} |")
    lines.append("| load average (1 min) before → after | "
                 + " | ".join(f"{r['load_before'][0]:.1f} → {r['load_after'][0]:.1f}" for r in report["runs"]) + " | |")
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    out = Path(args.results_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"people-import-{stamp}.md").write_text(text, encoding="utf-8")
    (out / f"people-import-{stamp}.json").write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
