#!/usr/bin/env python
"""Benchmark: the coordinator's work list, search and person page at scale (DESIGN §6).

    .venv/bin/python bench/worklist.py                      # 1,000,000 people, 300 requests each
    .venv/bin/python bench/worklist.py --persons 100000 --requests 200 --reseed

What it does:

1. If the database holds fewer than ``--persons`` people (or ``--reseed``), it drops
   and recreates the ``public`` schema, runs the migrations (``flask init-db``), seeds
   the demo deployment with the app's own seed service (``flask seed-demo``), then
   ``VACUUM ANALYZE`` (so the planner has statistics and index-only scans have a
   visibility map, as autovacuum would give a live database). The seeding is timed.
2. It logs in as the demo users (``coordinator``, ``supervisor``, ``admin``) through the
   login form, with CSRF on, and times every request through Flask's test client.

"Server time" is the wall time around ``client.get``/``client.post``: the test client
calls the WSGI app in-process, so this is routing, session, the queries, template
rendering and the response, with no network, no HTTP parsing and no gzip. Each
scenario runs a few unmeasured warm-up requests first, then ``--requests`` measured
ones; search texts rotate through several values drawn from the data.

A second clock sums the time spent in the database driver (``cursor.execute``) during
each request, and counts the statements: the rest of the server time is Python.

Only a database whose name contains "bench" is wiped, unless ``--allow-wipe``.

Results: a table of p50 / p95 / max in ms per scenario, printed and written to
``bench/results/worklist-<timestamp>.md`` (and ``.json``); ``bench/results/`` is
git-ignored. Plus the gzip page weight of the coordinator's first page load.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/anju_bench"
WARMUP = 10
PAGE_BUDGET = 50 * 1024
TOTAL_RE = re.compile(r"(?:共 |：)(约 )?([\d,]+) (?:人|条)")


def database_parser(doc: str) -> argparse.ArgumentParser:
    """The options every benchmark on the seeded demo county takes."""
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
                   help="database to use, and to wipe when reseeding (default: $BENCH_DATABASE_URL or %(default)s)")
    p.add_argument("--persons", type=int, default=1_000_000, help="people in the database (default %(default)s)")
    p.add_argument("--reseed", action="store_true", help="wipe and reseed even if the database is big enough")
    p.add_argument("--allow-wipe", action="store_true",
                   help="allow seeding (which drops the public schema) a database whose name lacks 'bench'")
    p.add_argument("--seed", type=int, default=2026, help="random seed for the demo data (default %(default)s)")
    return p


def parse_args(argv=None):
    p = database_parser(__doc__)
    p.add_argument("--requests", type=int, default=300, help="measured requests per scenario (default %(default)s)")
    p.add_argument("--only", default="",
                   help="run only scenarios whose name contains one of these comma-separated texts")
    p.add_argument("--warmup", type=int, default=WARMUP, help="unmeasured requests first (default %(default)s)")
    p.add_argument("--results-dir", default=str(ROOT / "bench" / "results"))
    p.add_argument("--gunicorn", action="store_true",
                   help="send the requests over HTTP to a gunicorn of the project's settings (2 workers) "
                        "started for the run, instead of Flask's test client")
    p.add_argument("--port", type=int, default=8105, help="gunicorn's port with --gunicorn (default %(default)s)")
    return p.parse_args(argv)


# --------------------------------------------------------------------------- database

def make_app(url: str):
    from app import create_app
    from app.config import normalise_database_url

    # Production configuration (CSRF on, sessions, rate limits); only the database differs.
    return create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url)})


def count_people(app) -> int:
    from sqlalchemy import inspect, text

    from app.extensions import db
    with app.app_context():
        if not inspect(db.engine).has_table("person"):
            return 0
        return db.session.scalar(text("SELECT count(*) FROM person"))


def reseed(app, persons: int, seed_value: int) -> dict:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app.extensions import db
    from app.services.demo import county as demo

    timings = {}
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            raise SystemExit("the benchmark is meant for PostgreSQL")
        t0 = time.perf_counter()
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade()  # flask init-db
        timings["schema_s"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        last = [t0, 0]
        done = [0]

        def progress(n):
            done[0] += n
            now = time.perf_counter()
            if now - last[0] > 15 or done[0] == persons:
                print(f"  seeded {done[0]:>9,} people  {now - t0:6.1f} s", flush=True)
                last[0] = now

        result = demo.seed(persons, seed_value, progress=progress)
        timings["seed_s"] = time.perf_counter() - t0
        db.session.remove()

        t0 = time.perf_counter()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        timings["vacuum_analyze_s"] = time.perf_counter() - t0

        # What cron's `flask refresh-figures` keeps filled on a deployment: the report pages'
        # figures, which the work list's counts of a township or the county read.
        from app.services.figures import refresh as figure_refresh
        from app.services.figures.measures import Context
        t0 = time.perf_counter()
        figure_refresh.run(None, 1, Context.at())
        db.session.commit()
        timings["figures_s"] = time.perf_counter() - t0
    timings.update(persons=result["persons"], dwellings=result["dwellings"], grids=result["grids"])
    return timings


def data_shape(app) -> dict:
    from sqlalchemy import text

    from app.extensions import db
    with app.app_context():
        one = lambda sql, **kw: db.session.execute(text(sql), kw).scalar()  # noqa: E731
        shape = {
            "people": one("SELECT count(*) FROM person"),
            "present": one("SELECT count(*) FROM person WHERE status = 'present'"),
            "dwellings": one("SELECT count(*) FROM dwelling"),
            "grids": one("SELECT count(*) FROM area WHERE level = 'grid'"),
            "townships": one("SELECT count(*) FROM area WHERE level = 'township'"),
            "movements": one("SELECT count(*) FROM movement"),
            "db_size": one("SELECT pg_size_pretty(pg_database_size(current_database()))"),
            "server": one("SHOW server_version"),
            "collation": one("SELECT datcollate FROM pg_database WHERE datname = current_database()"),
            "shared_buffers": one("SHOW shared_buffers"),
        }
        uid = lambda name: one('SELECT id FROM "user" WHERE username = :u', u=name)  # noqa: E731
        shape["coordinator_people"] = one(
            "SELECT count(*) FROM person p JOIN user_grid ug ON ug.area_id = p.grid_id WHERE ug.user_id = :u",
            u=uid("coordinator"))
        shape["supervisor_people"] = one(
            "SELECT count(*) FROM person p JOIN area g ON g.id = p.grid_id "
            "JOIN area t ON g.path LIKE t.path || t.id || '/%' JOIN \"user\" u ON u.area_id = t.id "
            "WHERE u.username = 'supervisor'")
    return shape


def sample_queries(app, rng: random.Random) -> dict[str, list[str]]:
    """Search texts taken from the coordinator's own people, so every one finds someone."""
    from sqlalchemy import text

    from app.extensions import db
    with app.app_context():
        rows = db.session.execute(text(
            "SELECT p.id, p.name, p.id_number, p.phone, d.address FROM person p "
            "JOIN user_grid ug ON ug.area_id = p.grid_id JOIN \"user\" u ON u.id = ug.user_id "
            "LEFT JOIN dwelling d ON d.id = p.dwelling_id "
            "WHERE u.username = 'coordinator' AND p.status = 'present' ORDER BY p.id")).all()
    if not rows:
        raise SystemExit("the coordinator has nobody in scope: is the demo seeded?")
    pick = lambda values, n=12: rng.sample(sorted(set(values)), min(n, len(set(values))))  # noqa: E731
    return {
        "ids": [r.id for r in rows],
        # the first character is the surname: 张, 王, 李 …
        "name prefix (1 char)": pick([r.name[0] for r in rows]),
        "name (2 chars)": pick([r.name[:2] for r in rows if len(r.name) >= 2]),
        # any part of a name: the given name, as coordinators search as often (伟, 文娜 …)
        "given name (1 char)": pick([r.name[-1] for r in rows if len(r.name) >= 2]),
        "given name (2 chars)": pick([r.name[-2:] for r in rows if len(r.name) >= 3]),
        "name (3 chars)": pick([r.name for r in rows if len(r.name) == 3]),
        "ID prefix (10 digits)": pick([r.id_number[:10] for r in rows if r.id_number]),
        "phone last 4": pick([r.phone[-4:] for r in rows if r.phone]),
        # a road name plus the first digit of the number, e.g. "文一路1"
        "address fragment": pick([re.match(r"\D+\d", r.address).group(0) for r in rows if r.address]),
    }


# --------------------------------------------------------------------------- requests

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class HttpClient:
    """What the scenarios use of Flask's test client (get, post, the response's status and
    text), over HTTP to a running server, with its cookies."""

    def __init__(self, base: str):
        import requests

        self.base, self.http = base, requests.Session()

    def get(self, url, headers=None):
        return _HttpResponse(self.http.get(self.base + url, headers=headers, allow_redirects=False))

    def post(self, url, data=None, headers=None):
        return _HttpResponse(self.http.post(self.base + url, data=data, headers=headers, allow_redirects=False))


class _HttpResponse:
    def __init__(self, r):
        self.status_code, self.data = r.status_code, r.content

    def get_data(self, as_text=False):
        return self.data.decode() if as_text else self.data

    def close(self):
        pass


# The client a run uses: Flask's test client (in process), or HttpClient (--gunicorn).
CLIENT = None


def new_client(app):
    return CLIENT() if CLIENT else app.test_client()


def start_gunicorn(database_url: str, port: int):
    """gunicorn with the project's settings (gunicorn.conf.py, 2 workers) on ``port``."""
    env = {**os.environ, "DATABASE_URL": database_url, "BIND": f"127.0.0.1:{port}", "WORKERS": "2",
           "ACCESS_LOG": "/dev/null", "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret")}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                              cwd=ROOT, env=env)
    import requests
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except requests.ConnectionError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def login(app, username: str, password: str):
    client = new_client(app)
    page = client.get("/auth/login").data.decode()
    m = CSRF_RE.search(page)
    token = m.group(1) or m.group(2)
    r = client.post("/auth/login", data={"username": username, "password": password, "csrf_token": token})
    if r.status_code != 302:
        raise SystemExit(f"login as {username} failed ({r.status_code})")
    home = client.get("/grid/").data.decode()
    csrf = re.search(r'"X-CSRFToken": "([^"]+)"', home).group(1)
    return client, csrf


def percentile(sorted_ms: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    k = max(0, min(len(sorted_ms) - 1, int(round(p / 100 * len(sorted_ms) + 0.5)) - 1))
    return sorted_ms[k]


class SqlClock:
    """Time spent in the database driver (cursor.execute) and statements sent, per request.

    The rest of a request's time is Python: routing, session, ORM, templates."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.ms, self.statements = 0.0, 0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_t0"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        self.ms += (time.perf_counter() - conn.info.pop("bench_t0")) * 1000
        self.statements += 1

    def reset(self):
        self.ms, self.statements = 0.0, 0


def run(name: str, requests: int, call, sql: SqlClock) -> dict:
    """``call(i)`` makes request i and returns the response."""
    for i in range(WARMUP):  # set from --warmup
        call(i)
    times, sql_times, statements, matches = [], [], [], set()
    for i in range(requests):
        sql.reset()
        t0 = time.perf_counter()
        r = call(i)
        times.append((time.perf_counter() - t0) * 1000)
        sql_times.append(sql.ms)
        statements.append(sql.statements)
        if r.status_code != 200:
            raise SystemExit(f"{name}: HTTP {r.status_code}")
        m = TOTAL_RE.search(r.get_data(as_text=True))
        if m:
            matches.add((m.group(1) or "") + m.group(2))
    times.sort()
    row = {"scenario": name, "n": requests, "p50": statistics.median(times), "p95": percentile(times, 95),
           "max": times[-1], "mean": statistics.fmean(times), "sql_p50": statistics.median(sql_times),
           "statements": statistics.median(statements),
           "matches": _matches(matches)}
    print(f"  {name:<52} p50 {row['p50']:7.2f}  p95 {row['p95']:7.2f}  max {row['max']:7.2f} ms"
          f"  (SQL {row['sql_p50']:.1f} ms, {row['statements']:.0f} statements)  {row['matches']}", flush=True)
    return row


def _matches(seen: set[str]) -> str:
    """The totals the pages showed: a range of exact ones, estimates ("约 77,000") as they are."""
    exact = sorted(int(m.replace(",", "")) for m in seen if not m.startswith("约"))
    about = sorted(m for m in seen if m.startswith("约"))
    shown = [f"{exact[0]:,}–{exact[-1]:,}" if len(exact) > 1 else f"{exact[0]:,}"] if exact else []
    return ", ".join(shown + about)


NEXT_RE = re.compile(r'<a href="([^"]+)" rel="next">')


def walk(client, url: str, pages: int) -> str:
    """The URL of page ``pages`` of a list, following its next links from ``url``."""
    import html
    for _ in range(pages - 1):
        m = NEXT_RE.search(client.get(url).get_data(as_text=True))
        if not m:
            break
        url = html.unescape(m.group(1))
    return url


def cursors(app, username: str, pages: list[int], per_page: int = 20) -> list[int]:
    """The id of the last person of each of ``pages`` of the user's work list (present people,
    name order): ``?after=`` it opens the next page, as its link would."""
    from app.extensions import db
    from app.models import Person, User
    from app.services.registry import search
    out = []
    with app.test_request_context():
        user = db.session.scalar(db.select(User).where(User.username == username))
        stmt = search.filtered(user, status="present").with_only_columns(Person.id).order_by(Person.name, Person.id)
        for k in pages:
            row = db.session.scalar(stmt.offset(k * per_page - 1).limit(1))
            if row:
                out.append(row)
    return out


# County lists (the admin's): figure, quality and appointment lists, first and 50th page.
COUNTY_LISTS = [
    ("KPI list, everyone on record", "/station/kpi/registration/counted"),
    ("KPI list, people without a valid card", "/station/kpi/cards/missing"),
    ("KPI list, dwellings not visited this month", "/station/kpi/sweep/missing"),
    ("quality list, not visited for 3 months", "/station/quality/not_visited"),
    ("quality list, household place not down to the township", "/station/quality/hukou_not_township"),
    ("appointments, overdue", "/station/appointments?view=overdue"),
    ("appointments, this week", "/station/appointments?view=week"),
    ("audit log", "/admin/audit"),
    ("rental ledger", "/grid/ledger"),
]


def scenarios(app, queries: dict, requests: int, only: str) -> list[dict]:
    from app.services.demo.county import PASSWORD

    rows = []
    clients = {u: login(app, u, PASSWORD) for u in ("coordinator", "supervisor", "admin")}
    from app.extensions import db
    with app.app_context():
        sql = SqlClock(db.engine)
    wanted = lambda name: any(part.strip().lower() in name.lower() for part in only.split(","))  # noqa: E731

    def clear_search(client, csrf):
        client.post("/grid/", data={"q": ""}, headers={"HX-Request": "true", "X-CSRFToken": csrf})

    for user in ("coordinator", "supervisor", "admin"):
        client, csrf = clients[user]
        clear_search(client, csrf)
        name = f"{user}: work list GET /grid/"
        if wanted(name):
            rows.append(run(name, requests, lambda i: client.get("/grid/"), sql))
        name = f"{user}: work list GET /grid/?after=… (page K)"
        if wanted(name):
            # the coordinator has ~45 pages, the supervisor thousands: the link to page K
            pages = [2, 3, 5, 10, 20, 30, 40, 45] if user == "coordinator" else [2, 10, 50, 200, 1000, 3000]
            after = cursors(app, user, [k - 1 for k in pages])
            rows.append(run(name, requests, lambda i: client.get(f"/grid/?after={after[i % len(after)]}"), sql))

    for kind in ("name prefix (1 char)", "name (2 chars)", "given name (1 char)", "given name (2 chars)",
                 "name (3 chars)", "ID prefix (10 digits)", "phone last 4", "address fragment"):
        values = queries[kind]
        for user in ("coordinator", "supervisor", "admin"):
            name = f"{user}: search {kind}"
            if not wanted(name):
                continue
            client, csrf = clients[user]
            headers = {"HX-Request": "true", "X-CSRFToken": csrf}
            rows.append(run(name, requests, lambda i: client.post(
                "/grid/", data={"q": values[i % len(values)]}, headers=headers), sql))
            clear_search(client, csrf)

    client, _ = clients["admin"]
    for label, url in COUNTY_LISTS:
        name = f"admin: county {label}, first page"
        if wanted(name):
            rows.append(run(name, requests, lambda i: client.get(url), sql))
        name = f"admin: county {label}, 50th page"
        if wanted(name):
            deep = walk(client, url, 50)
            rows.append(run(name, requests, lambda i: client.get(deep), sql))

    name = "reference: GET /healthz (loads the user, SELECT 1)"
    if wanted(name):
        client, _ = clients["coordinator"]
        rows.append(run(name, requests, lambda i: client.get("/healthz"), sql))

    name = "coordinator: person page GET /grid/people/<id>"
    if wanted(name):
        client, _ = clients["coordinator"]
        ids = random.Random(7).sample(queries["ids"], min(len(queries["ids"]), requests + WARMUP))
        rows.append(run(name, requests, lambda i: client.get(f"/grid/people/{ids[i % len(ids)]}"), sql))
    return rows


def page_weight(app) -> dict:
    """The coordinator's first page load: the HTML of /grid/ and the CSS and JS it links
    (what the 50 KB budget counts), and, apart, what a first visit fetches after the page
    has loaded: icons, manifest, and the service worker with the shell it caches."""
    from app.services.demo.county import PASSWORD

    client, _ = login(app, "coordinator", PASSWORD)

    def fetch(url):  # noqa: E306
        r = client.get(url)
        body = r.data
        r.close()
        return body

    html = fetch("/grid/")
    text = html.decode()
    counted = [("/grid/ (HTML)", html)]
    for url in (re.findall(r'<link rel="stylesheet" href="([^"]+)"', text)
                + re.findall(r'<script src="([^"]+)"', text)):
        counted.append((url, fetch(url)))
    seen = {u for u, _ in counted}
    later = []
    for url in re.findall(r'<link rel="(?:manifest|icon|apple-touch-icon)" href="([^"]+)"', text) + ["/sw.js"]:
        if url not in seen:
            seen.add(url)
            later.append((url, fetch(url)))
    shell = re.search(r"const SHELL = (\[.*?\]);", later[-1][1].decode())
    for url in json.loads(shell.group(1)) if shell else []:
        if url not in seen:
            seen.add(url)
            later.append((url + " (service worker)", fetch(url)))

    def rows(parts):
        return [{"resource": u, "bytes": len(b), "gzip": len(gzip.compress(b, compresslevel=6, mtime=0))}
                for u, b in parts]

    counted_rows, later_rows = rows(counted), rows(later)
    return {"parts": counted_rows, "total_gzip": sum(r["gzip"] for r in counted_rows), "budget": PAGE_BUDGET,
            "after_load": later_rows, "after_load_gzip": sum(r["gzip"] for r in later_rows)}


# --------------------------------------------------------------------------- report

def machine() -> dict:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        kb = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")))
        mem = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "os": platform.platform()}


def git_rev() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return rev + ("+changes" if dirty else "")
    except OSError:
        return ""


def markdown(report: dict) -> str:
    out = [f"# Work list benchmark — {report['when']}", ""]
    m, s = report["machine"], report["shape"]
    out += [f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM; Python {m['python']}; {m['os']}",
            f"- PostgreSQL {s['server']} (collation {s['collation']}, shared_buffers {s['shared_buffers']}), "
            f"database {s['db_size']}",
            f"- Data: {s['people']:,} people ({s['present']:,} present), {s['dwellings']:,} dwellings, "
            f"{s['grids']:,} grids in {s['townships']} townships; in scope (present and departed): "
            f"coordinator {s['coordinator_people']:,} people, supervisor {s['supervisor_people']:,}",
            f"- Code: {report['git']}; {report['requests']} measured requests per scenario after {WARMUP} warm-up, "
            f"{report['measure_s']:.0f} s in all; load average (1/5/15 min) before "
            f"{'/'.join(f'{x:.1f}' for x in report['load_before'])}, after "
            f"{'/'.join(f'{x:.1f}' for x in report['load_after'])}",
            ("- Server time = wall time of the HTTP request to " + report["server"] + " (SQL not measured: "
             "another process)" if report.get("server") else
             "- Server time = wall time around the Flask test client's get/post (in-process WSGI call: "
             "no network, no gzip)"), ""]
    if report.get("seeding"):
        t = report["seeding"]
        out += [f"- Seeding: schema {t['schema_s']:.1f} s, seed {t['seed_s']:.1f} s "
                f"({t['persons'] / t['seed_s']:,.0f} people/s), VACUUM ANALYZE {t['vacuum_analyze_s']:.1f} s", ""]
    out += ["| Scenario | p50 ms | p95 ms | max ms | SQL p50 ms | statements | matches |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for r in report["rows"]:
        out.append(f"| {r['scenario']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | {r['sql_p50']:.1f} "
                   f"| {r['statements']:.0f} | {r['matches']} |")
    w = report.get("weight")
    if w:
        out += ["", "Coordinator first page load (gzip -6):", "", "| Resource | bytes | gzip |", "|---|---:|---:|"]
        for p in w["parts"]:
            out.append(f"| {p['resource']} | {p['bytes']:,} | {p['gzip']:,} |")
        out.append(f"| **total** | | **{w['total_gzip']:,}** ({w['total_gzip'] / 1024:.1f} KB of "
                   f"{w['budget'] // 1024} KB budget) |")
        if w.get("after_load"):
            out += ["", "Fetched after the page has loaded, on a first visit only (not in the budget; "
                    "PNG icons are already compressed):", "", "| Resource | bytes | gzip |", "|---|---:|---:|"]
            for p in w["after_load"]:
                out.append(f"| {p['resource']} | {p['bytes']:,} | {p['gzip']:,} |")
            out.append(f"| total | | {w['after_load_gzip']:,} |")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    from sqlalchemy.engine import make_url

    global WARMUP
    args = parse_args(argv)
    WARMUP = args.warmup
    os.environ.pop("DATABASE_URL", None)
    app = make_app(args.database_url)
    report = {"when": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "machine": machine(), "git": git_rev(),
              "requests": args.requests, "database": args.database_url.rsplit("@", 1)[-1]}

    have = count_people(app)
    if args.reseed or have < args.persons:
        if "bench" not in make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database and not args.allow_wipe:
            raise SystemExit(f"refusing to wipe {report['database']}: its name lacks 'bench' (see --allow-wipe)")
        print(f"Seeding {args.persons:,} people into {report['database']} (had {have:,}) …", flush=True)
        report["seeding"] = reseed(app, args.persons, args.seed)
        t = report["seeding"]
        print(f"  schema {t['schema_s']:.1f} s, seed {t['seed_s']:.1f} s, VACUUM ANALYZE "
              f"{t['vacuum_analyze_s']:.1f} s", flush=True)
    report["shape"] = data_shape(app)
    print(f"{report['shape']['people']:,} people; measuring {args.requests} requests per scenario", flush=True)

    queries = sample_queries(app, random.Random(args.seed))
    global CLIENT
    server = None
    if args.gunicorn:
        server = start_gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], args.port)
        CLIENT = lambda: HttpClient(f"http://127.0.0.1:{args.port}")  # noqa: E731
        report["server"] = "gunicorn (gunicorn.conf.py, 2 sync workers), HTTP on 127.0.0.1"
    # No app context around the requests: each request gets its own, as in production
    # (the SQLAlchemy session is removed at the end of each one).
    report["load_before"] = os.getloadavg()
    t0 = time.perf_counter()
    try:
        report["rows"] = scenarios(app, queries, args.requests, args.only)
    finally:
        if server:
            server.terminate()
            server.wait()
            CLIENT = None
    report["measure_s"] = time.perf_counter() - t0
    report["load_after"] = os.getloadavg()
    report["weight"] = page_weight(app)
    report["queries"] = {k: v for k, v in queries.items() if k != "ids"}

    save_results(args.results_dir, "worklist", markdown(report), report)
    return 0


def save_results(results_dir: str, prefix: str, text: str, report: dict) -> None:
    """Print the table and keep it with the raw figures as ``<prefix>-<timestamp>.md|json``."""
    print()
    print(text)
    out = Path(results_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"{prefix}-{stamp}.md").write_text(text, encoding="utf-8")
    (out / f"{prefix}-{stamp}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str),
                                                encoding="utf-8")
    print(f"written to {out}/{prefix}-{stamp}.md")


if __name__ == "__main__":
    sys.exit(main())
