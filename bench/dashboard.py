#!/usr/bin/env python
"""Benchmark: the report pages (KPI dashboard, data-quality monitor, monthly report) at
county scale (issue 7: the dashboard of a county of 1,000,000 people in ≤ 1 s server time).

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/anju_bench_copy \\
        .venv/bin/python bench/dashboard.py --requests 30

The database must hold the demo county (``bench/worklist.py`` seeds one) at the current
schema (``flask db upgrade``). What it does:

1. Demo data the report pages need and an older seed lacks (estimated populations per
   grid; printed cards and landlords' confirmations as ``services.demo.figures`` makes
   them) is added once, with ``VACUUM ANALYZE`` after.
2. It empties the figure store and times ``flask refresh-figures --months 13`` (the
   nightly recount) and ``--months 1`` (this month, the few-minutes cron job).
3. It logs in as ``admin`` (the county) and ``supervisor`` (a township) and times each
   page through Flask's test client with the figures fresh (the usual case), then the
   first request after this month's figures went out of date (the page recounts them).

"Server time" is as in ``bench/worklist.py``: wall time around ``client.get`` (routing,
session, queries, templates; no network, no gzip); the SQL column sums the time in the
database driver. Results: printed, and ``bench/results/dashboard-<timestamp>.md|json``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import worklist  # noqa: E402  (same folder: login, SqlClock, run, machine, data_shape …)

DEFAULT_URL = worklist.DEFAULT_URL


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    p.add_argument("--requests", type=int, default=30, help="measured requests per scenario (default %(default)s)")
    p.add_argument("--warmup", type=int, default=3, help="unmeasured requests first (default %(default)s)")
    p.add_argument("--stale-rounds", type=int, default=3, help="times to measure a page recounting (default %(default)s)")
    p.add_argument("--skip-refresh", action="store_true", help="keep the stored figures (no refresh timing)")
    p.add_argument("--only", default="", help="only scenarios whose name contains one of these (comma-separated)")
    p.add_argument("--results-dir", default=str(ROOT / "bench" / "results"))
    return p.parse_args(argv)


def prepare(app) -> dict:
    """Add what an older demo seed lacks; returns what was done."""
    from sqlalchemy import func, select, text

    from app.extensions import db
    from app.models import Area
    from app.services.demo import figures as demo_figures

    done = {}
    with app.app_context():
        if db.session.scalar(select(func.count()).where(Area.estimated_population.is_not(None))) == 0:
            t0 = time.perf_counter()
            demo_figures.set_estimates(2026)
            db.session.commit()
            done["estimates_s"] = time.perf_counter() - t0
        # The rules of demo_figures.printed_at / confirmed_at, for rows seeded without them.
        if db.session.scalar(text("SELECT count(*) FROM card WHERE printed_at IS NOT NULL")) == 0:
            t0 = time.perf_counter()
            db.session.execute(text("UPDATE card SET printed_at = issued_at + interval '2 days' "
                                    "WHERE person_id % 100 < 93 AND issued_at + interval '2 days' <= now()"))
            db.session.execute(text("UPDATE tenancy SET confirmed_by_landlord_at = start_on + interval '3 days 2 hours' "
                                    "WHERE person_id % 100 < 88 AND start_on + interval '3 days 2 hours' <= now()"))
            db.session.commit()
            done["cards_tenancies_s"] = time.perf_counter() - t0
        # A monthly sweep as busy as a real one: the last two months 85 % of dwellings, this
        # month (early in it) 30 %.
        if db.session.scalar(text("SELECT count(*) FROM sweep_visit")) < 10_000:
            t0 = time.perf_counter()
            this_month = dt.date.today().replace(day=1)
            for back, share in ((2, 85), (1, 85), (0, 30)):
                first = (this_month - dt.timedelta(days=28 * back)).replace(day=1)
                db.session.execute(text(
                    "INSERT INTO sweep_visit (dwelling_id, grid_id, month, visited_at, result) "
                    "SELECT id, grid_id, :m, CAST(:m AS timestamp) + interval '3 days', 'no_change' "
                    "FROM dwelling WHERE id % 100 < :share AND created_at < CAST(:m AS timestamp) + interval '1 month' "
                    "ON CONFLICT DO NOTHING"), {"m": first, "share": share})
            db.session.commit()
            done["sweep_visits_s"] = time.perf_counter() - t0
        if done:
            db.session.remove()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE area, card, tenancy, sweep_visit"))
    return done


def timed_refresh(app, months: int) -> dict:
    from app.extensions import db
    from app.services.figures import refresh as figure_refresh
    from app.services.figures.measures import Context

    with app.app_context():
        t0 = time.perf_counter()
        stored = figure_refresh.run(None, months, Context.at())
        seconds = time.perf_counter() - t0
        db.session.remove()
    return {"months": months, "seconds": seconds, "figures": stored}


def make_stale(app) -> None:
    """This month's figures, counted an hour ago: the next page recounts them."""
    from sqlalchemy import text

    from app.domain.clock import local_today
    from app.extensions import db
    with app.app_context():
        db.session.execute(text("UPDATE grid_figure SET computed_at = computed_at - interval '1 hour' "
                                "WHERE month = :m"), {"m": local_today().replace(day=1)})
        db.session.commit()
        db.session.remove()


def township_of_supervisor(app) -> int:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User
    with app.app_context():
        return db.session.scalar(select(User.area_id).where(User.username == "supervisor"))


PAGES = [
    ("admin", "county: KPI dashboard GET /station/kpi", "/station/kpi"),
    ("admin", "county: KPI detail GET /station/kpi/registration", "/station/kpi/registration"),
    ("admin", "county: data quality GET /station/quality", "/station/quality"),
    ("admin", "county: monthly report GET /station/monthly", "/station/monthly"),
    ("admin", "county: list, 50 of 920,000 on record", "/station/kpi/registration/counted"),
    ("admin", "county: list, late entries this month", "/station/kpi/entry/missing"),
    ("admin", "county: list, people without a valid card", "/station/kpi/cards/missing"),
    ("admin", "county: fix-it list, bad check characters", "/station/quality/id_bad_check"),
    ("admin", "county: fix-it list, household place not down to the township", "/station/quality/hukou_not_township"),
    ("admin", "county: list, dwellings not visited this month", "/station/kpi/sweep/missing"),
    ("admin", "county: list, check-ups overdue", "/station/kpi/service-2/overdue"),
    ("admin", "county: fix-it list, not visited for 3 months", "/station/quality/not_visited"),
    ("supervisor", "township: KPI dashboard GET /station/kpi", "/station/kpi"),
    ("supervisor", "township: data quality GET /station/quality", "/station/quality"),
    ("supervisor", "township: list, people without a valid card", "/station/kpi/cards/missing"),
    ("supervisor", "township: list, tenancies the landlord has not confirmed", "/station/kpi/landlord/missing"),
    ("supervisor", "township: export (.xlsx), people without a valid card", "/station/kpi/cards/missing/export.xlsx"),
    ("supervisor", "township: fix-it list, duplicates (name, birth, household)", "/station/quality/duplicate_person"),
    ("supervisor", "township: fix-it list, not visited for 3 months", "/station/quality/not_visited"),
]


class _Download:
    """A file response as worklist.run reads pages (it looks for counts in the text)."""

    def __init__(self, response):
        self.status_code, self.size = response.status_code, len(response.data)

    def get_data(self, as_text=False):
        return ""


def _get(client, url):
    response = client.get(url)
    response.get_data()
    response.close()  # as the server does once it is sent (runs what waits for that)
    return _Download(response) if url.endswith(".xlsx") else response


def pages(app, sql, requests: int, only: str) -> list[dict]:
    from app.services.demo.county import PASSWORD

    clients = {u: worklist.login(app, u, PASSWORD)[0] for u in ("admin", "supervisor")}
    wanted = lambda name: not only or any(p.strip() in name for p in only.split(","))  # noqa: E731
    return [worklist.run(name, requests, lambda i, c=clients[user], u=url: _get(c, u), sql)
            for user, name, url in PAGES if wanted(name)]


def stale_pages(app, sql, rounds: int) -> list[dict]:
    """The first request after this month's figures went out of date: a township's or a
    county's page shows the stored ones and recounts after the response (timed apart:
    ``response.close()``, which the server calls once the page is sent)."""
    from app.services.demo.county import PASSWORD

    out = []

    def row(name, times, sql_ms, statements):
        out.append({"scenario": name, "n": rounds, "p50": statistics.median(times), "p95": max(times),
                    "max": max(times), "sql_p50": statistics.median(sql_ms), "statements": statements, "matches": ""})
        print(f"  {name:<70} p50 {out[-1]['p50']:8.1f} ms  max {out[-1]['max']:8.1f} ms", flush=True)

    for user, scope in (("admin", "county"), ("supervisor", "township")):
        client = worklist.login(app, user, PASSWORD)[0]
        client.get("/station/kpi").close()
        times, sql_ms, after, after_sql = [], [], [], []
        for _ in range(rounds):
            make_stale(app)
            sql.reset()
            t0 = time.perf_counter()
            r = client.get("/station/kpi")
            times.append((time.perf_counter() - t0) * 1000)
            sql_ms.append(sql.ms)
            assert r.status_code == 200, r.status_code
            statements = sql.statements
            sql.reset()
            t0 = time.perf_counter()
            r.close()
            after.append((time.perf_counter() - t0) * 1000)
            after_sql.append(sql.ms)
        row(f"{scope}: KPI dashboard, this month's figures out of date (shown as stored)", times, sql_ms,
            statements)
        row(f"{scope}: the recount after that page (not waited for)", after, after_sql, sql.statements)
    return out


def markdown(report: dict) -> str:
    m, s = report["machine"], report["shape"]
    out = [f"# Report pages benchmark — {report['when']}", "",
           f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM; Python {m['python']}",
           f"- PostgreSQL {s['server']} (shared_buffers {s['shared_buffers']}), database {s['db_size']}",
           f"- Data: {s['people']:,} people ({s['present']:,} present), {s['dwellings']:,} dwellings, "
           f"{s['grids']:,} grids in {s['townships']} townships; supervisor's township {s['supervisor_people']:,} people",
           f"- Code: {report['git']}; {report['requests']} measured requests per page after {report['warmup']} "
           f"warm-up; load average before {'/'.join(f'{x:.1f}' for x in report['load_before'])}, after "
           f"{'/'.join(f'{x:.1f}' for x in report['load_after'])}", ""]
    if report.get("prepared"):
        out += [f"- Added to the seed: {', '.join(f'{k} {v:.1f} s' for k, v in report['prepared'].items())}", ""]
    for r in report.get("refresh", []):
        out.append(f"- `flask refresh-figures --months {r['months']}`: {r['seconds']:.1f} s, {r['figures']:,} figures")
    out += ["", "| Scenario | p50 ms | p95 ms | max ms | SQL p50 ms | statements |", "|---|---:|---:|---:|---:|---:|"]
    for r in report["rows"]:
        out.append(f"| {r['scenario']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | {r['sql_p50']:.1f} "
                   f"| {r['statements']:.0f} |")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    args = parse_args(argv)
    worklist.WARMUP = args.warmup
    os.environ.pop("DATABASE_URL", None)
    app = worklist.make_app(args.database_url)
    report = {"when": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "machine": worklist.machine(),
              "git": worklist.git_rev(), "requests": args.requests, "warmup": args.warmup}
    if worklist.count_people(app) == 0:
        raise SystemExit("no people: seed the database first (bench/worklist.py)")
    report["prepared"] = prepare(app)
    report["shape"] = worklist.data_shape(app)
    report["load_before"] = os.getloadavg()
    if not args.skip_refresh:
        from sqlalchemy import text

        from app.extensions import db
        with app.app_context():
            db.session.execute(text("DELETE FROM grid_figure"))
            db.session.commit()
            db.session.remove()
        report["refresh"] = [timed_refresh(app, 13), timed_refresh(app, 1)]
        for r in report["refresh"]:
            print(f"refresh-figures --months {r['months']}: {r['seconds']:.1f} s ({r['figures']:,} figures)", flush=True)
    from app.extensions import db
    with app.app_context():
        sql = worklist.SqlClock(db.engine)
    report["rows"] = pages(app, sql, args.requests, args.only)
    if args.stale_rounds:
        report["rows"] += stale_pages(app, sql, args.stale_rounds)
    report["load_after"] = os.getloadavg()
    text_ = markdown(report)
    print()
    print(text_)
    out = Path(args.results_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"dashboard-{stamp}.md").write_text(text_, encoding="utf-8")
    (out / f"dashboard-{stamp}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str),
                                                 encoding="utf-8")
    print(f"written to {out}/dashboard-{stamp}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
