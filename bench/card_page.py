#!/usr/bin/env python
"""Benchmark: the public card page under gunicorn against a bare Flask "hello" (DESIGN §6).

    .venv/bin/python bench/card_page.py                        # 3 rounds × 15 s each, -t2 -c8
    .venv/bin/python bench/card_page.py --rounds 5 --duration 20 --connections 16

DESIGN §6: with 1,000,000 people in PostgreSQL, the card page must reach at least 45 % of
the throughput of a bare Flask "hello" on the same gunicorn, with tokens drawn at random
across all cards, and revocation must take effect at once in every worker.

What it does:

1. Draws ``--tokens`` cards at random across all present people's cards. The demo's card
   secrets are not stored, but they are reproducible (``app.services.demo.county.card_secrets``,
   the seed of ``flask seed-demo``); every drawn token is checked against the database's
   keyed hash, so a SECRET_KEY other than the seeding one is caught here. The tokens go
   to a private temporary file, deleted at the end.
2. Starts two gunicorns with the project's ``gunicorn.conf.py`` (sync workers,
   ``--workers``), on free loopback ports, with access logging off for both: the app
   (``wsgi:app``) and ``bench/hello.py``.
3. Checks a sample of card URLs answer 200 with the card page, then runs wrk with a Lua
   script that picks a random token for every request (so no cache of repeated tokens
   helps; hello gets the same script, with "/" as its only path), hello and card
   alternately: one unmeasured warm-up each, then ``--rounds`` measured rounds of
   ``--duration`` seconds each. It records req/s, latency percentiles, wrk's error
   counts (``status`` is wrk's "Non-2xx or 3xx responses": any status ≥ 400), the mean
   response size, and where the CPU went (gunicorn workers, PostgreSQL, wrk, the rest).
4. Runs a short extra wrk pass on the card app with a ``response()`` hook that tallies
   every status code (slower for wrk, so not used for the figures): all must be 200.
5. Revocation: holds one connection open to each worker (a sync worker serves one
   connection at a time, so two half-sent requests occupy both; which worker owns which
   connection is read from /proc), checks a card answers 200 from both, sets the card's
   ``revoked_at`` in the database, and at once asks both workers again: both must
   answer 410. The card is then restored as it was.

Results: printed, and written to ``bench/results/card-page-<timestamp>.md`` and ``.json``
(git-ignored). The exit status is 1 if a check fails (non-200 responses, revocation not
seen by a worker), 0 otherwise; the 45 % target is reported, not enforced.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/anju_bench"
TARGET = 0.45

LUA = r"""
-- One request per call, its path drawn at random from the file (one path a line).
local paths_file, result_file, tally = PATHS_FILE, RESULT_FILE, TALLY
local reqs, n = {}, 0
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  for line in io.lines(paths_file) do
    n = n + 1
    reqs[n] = wrk.format("GET", line)
  end
  -- a different sequence in every thread and every run
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000003)
  statuses = {}
end

function request()
  return reqs[math.random(n)]
end

if tally then
  function response(status, headers, body)
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local counts = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if s then for k, v in pairs(s) do counts[k] = (counts[k] or 0) + v end end
  end
  local parts = {}
  for k, v in pairs(counts) do parts[#parts + 1] = string.format('"%s": %d', k, v) end
  local e = summary.errors
  local f = io.open(result_file, "w")
  f:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "p99.9": %d, "max": %d}, ' ..
    '"statuses": {%s}}',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, table.concat(parts, ", ")))
  f:close()
end
"""


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
                   help="the seeded database (default: $BENCH_DATABASE_URL or %(default)s)")
    p.add_argument("--seed", type=int, default=2026, help="seed the demo was made with (default %(default)s)")
    p.add_argument("--tokens", type=int, default=100_000, help="cards drawn at random (default %(default)s)")
    p.add_argument("--rounds", type=int, default=3, help="measured rounds per app (default %(default)s)")
    p.add_argument("--duration", type=int, default=15, help="seconds per wrk run (default %(default)s)")
    p.add_argument("--warmup", type=int, default=5, help="seconds of unmeasured load per app first (default %(default)s)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default %(default)s)")
    p.add_argument("--connections", type=int, default=8, help="wrk connections (default %(default)s)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers per app (default %(default)s)")
    p.add_argument("--wrk", default=shutil.which("wrk") or "wrk", help="wrk executable")
    p.add_argument("--results-dir", default=str(ROOT / "bench" / "results"))
    return p.parse_args(argv)


# --------------------------------------------------------------------------- tokens

def draw_tokens(app, seed_value: int, how_many: int, rng: random.Random) -> tuple[list[str], dict]:
    """Tokens of ``how_many`` cards drawn at random among all present people's live cards."""
    from sqlalchemy import text

    from app.extensions import db
    from app.services.cards.issuing import token_digest
    from app.services.demo import county as demo

    with app.app_context():
        ids = db.session.scalars(text(
            "SELECT c.person_id FROM card c JOIN person p ON p.id = c.person_id "
            "WHERE p.status = 'present' AND c.revoked_at IS NULL ORDER BY c.person_id")).all()
        if not ids:
            raise SystemExit("no cards: seed the database first (bench/worklist.py --reseed)")
        chosen = set(rng.sample(ids, min(how_many, len(ids))))
        tokens = []
        for person_id, (token, _code) in enumerate(demo.card_secrets(seed_value, ids[-1]), start=1):
            if person_id in chosen:
                tokens.append(token)
        digests = [token_digest(t) for t in tokens]
        found = set(db.session.scalars(text("SELECT token_hash FROM card WHERE token_hash = ANY(:h)"),
                                       {"h": digests}))
        db.session.remove()
    good = [t for t, d in zip(tokens, digests) if d in found]
    if len(good) < 0.99 * len(tokens):
        raise SystemExit(f"only {len(good):,} of {len(tokens):,} tokens match a card: was the demo seeded with "
                         f"--seed {seed_value} and this SECRET_KEY (or CARD_KEY)?")
    rng.shuffle(good)
    return good, {"cards": len(ids), "drawn": len(tokens), "matched": len(good),
                  "first_person": ids[0], "last_person": ids[-1]}


# --------------------------------------------------------------------------- gunicorn

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_config(tmp: Path) -> Path:
    """The project's gunicorn.conf.py, with access logging off (bind and workers come
    from BIND and WORKERS, as in the Makefile)."""
    path = tmp / "gunicorn.bench.conf.py"
    path.write_text(
        "import runpy\n"
        f"_project = runpy.run_path({str(ROOT / 'gunicorn.conf.py')!r})\n"
        "globals().update({k: v for k, v in _project.items() if not k.startswith('_')})\n"
        "accesslog = None  # both apps alike: no access log\n", encoding="utf-8")
    return path


class Server:
    def __init__(self, name: str, target: str, config: Path, workers: int, env: dict, extra=()):
        self.name, self.port = name, free_port()
        env = {**env, "BIND": f"127.0.0.1:{self.port}", "WORKERS": str(workers)}
        self.log = open(config.parent / f"{name}.log", "w+")
        cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(config), *extra, target]
        if not Path(cmd[0]).exists():
            cmd[0] = shutil.which("gunicorn") or "gunicorn"
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.workers_wanted = workers

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait(self, path: str, timeout: float = 30) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise SystemExit(f"gunicorn ({self.name}) exited:\n{self.log.read()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url(path), timeout=2) as r:
                    r.read()
                if len(self.worker_pids()) == self.workers_wanted:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn ({self.name}) did not answer on port {self.port}")

    def worker_pids(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the gunicorn master: stops its workers
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# --------------------------------------------------------------------------- CPU accounting

TICK = os.sysconf("SC_CLK_TCK")


def _proc_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _postgres_pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and _comm(int(p)) == "postgres"]


def _total_ticks() -> tuple[int, int]:
    """(busy, all) ticks of the whole machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuMeter:
    """Where the CPU went during a wrk run: the gunicorn workers, PostgreSQL, wrk, the rest."""

    def __init__(self, server: Server):
        self.workers = server.worker_pids()
        self.pg = _postgres_pids()

    def start(self):
        self.t0 = _total_ticks()
        self.w0 = sum(map(_proc_ticks, self.workers))
        self.p0 = {p: _proc_ticks(p) for p in self.pg}
        self.wall0 = time.time()

    def stop(self, wrk_pid_ticks: int) -> dict:
        busy1, all1 = _total_ticks()
        pg_now = _postgres_pids()
        # backends that started during the run count from zero
        pg = sum(_proc_ticks(p) - self.p0.get(p, 0) for p in pg_now)
        workers = sum(map(_proc_ticks, self.workers)) - self.w0
        busy, total = busy1 - self.t0[0], all1 - self.t0[1]
        cores = (total / TICK) / (time.time() - self.wall0)
        to_cores = lambda ticks: ticks / TICK / (time.time() - self.wall0)  # noqa: E731
        return {"gunicorn": to_cores(workers), "postgres": to_cores(pg), "wrk": to_cores(wrk_pid_ticks),
                "other": to_cores(busy - workers - pg - wrk_pid_ticks), "idle": to_cores(total - busy),
                "cores_seen": cores}


# --------------------------------------------------------------------------- wrk

def run_wrk(args, server: Server, paths_file: Path, tmp: Path, seconds: int, tally: bool = False) -> dict:
    script = tmp / ("tally.lua" if tally else "random.lua")
    result = tmp / f"result-{server.name}.json"
    if not script.exists():
        script.write_text("PATHS_FILE = os.getenv('BENCH_PATHS')\nRESULT_FILE = os.getenv('BENCH_RESULT')\n"
                          + f"TALLY = {'true' if tally else 'false'}\n" + LUA, encoding="utf-8")
    result.unlink(missing_ok=True)
    env = {**os.environ, "BENCH_PATHS": str(paths_file), "BENCH_RESULT": str(result)}
    meter = CpuMeter(server)
    meter.start()
    proc = subprocess.Popen([args.wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s",
                             "--timeout", "10s", "-s", str(script), server.url("/")],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # wrk's own CPU, read just before it exits (its threads' ticks are in its /proc stat)
    wrk_ticks = 0
    while proc.poll() is None:
        wrk_ticks = max(wrk_ticks, _proc_ticks(proc.pid))
        time.sleep(0.25)
    output = proc.stdout.read()
    cpu = meter.stop(wrk_ticks)
    if proc.returncode != 0 or not result.exists():
        raise SystemExit(f"wrk failed ({proc.returncode}):\n{output}")
    data = json.loads(result.read_text())
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["mean_bytes"] = data["bytes"] / max(1, data["requests"])
    data["non_2xx"] = data["errors"]["status"]
    data["socket_errors"] = sum(v for k, v in data["errors"].items() if k != "status")
    data["cpu"] = cpu
    data["wrk_output"] = output
    return data


# --------------------------------------------------------------------------- revocation

def _hex_port(addr: str) -> int:
    return int(addr.rsplit(":", 1)[1], 16)


def _socket_owner(server_port: int, client_port: int, pids: list[int], timeout: float = 5) -> int | None:
    """The worker whose open files include the server side of this loopback connection."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        inode = None
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            f = line.split()
            if _hex_port(f[1]) == server_port and _hex_port(f[2]) == client_port:
                inode = f[9]
        if inode and inode != "0":
            link = f"socket:[{inode}]"
            for pid in pids:
                try:
                    fds = os.listdir(f"/proc/{pid}/fd")
                except OSError:
                    continue
                for fd in fds:
                    try:
                        if os.readlink(f"/proc/{pid}/fd/{fd}") == link:
                            return pid
                    except OSError:
                        continue
        time.sleep(0.02)
    return None


def _status(sock: socket.socket) -> int:
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ", 2)[1])


def ask_every_worker(server: Server, path: str) -> list[tuple[int, int]]:
    """(worker pid, status) from each worker for GET ``path``.

    Each request is half sent first, and held until a worker owns its connection; a sync
    worker serves one connection at a time, so the next one goes to another worker."""
    pids = server.worker_pids()
    held = []
    for _ in pids:
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
        owner = _socket_owner(server.port, sock.getsockname()[1], pids)
        held.append((owner, sock))
    answers = []
    for owner, sock in held:
        sock.sendall(b"Connection: close\r\n\r\n")
    for owner, sock in held:
        answers.append((owner, _status(sock)))
        sock.close()
    return answers


def revocation_check(app, server: Server, token: str) -> dict:
    from sqlalchemy import text

    from app.extensions import db
    from app.services.cards.issuing import token_digest

    path = f"/C/{token}"
    with app.app_context():
        digest = token_digest(token)
        with db.engine.connect() as conn:
            card_id, revoked_at, reason = conn.execute(text(
                "SELECT id, revoked_at, revoked_reason FROM card WHERE token_hash = :h"), {"h": digest}).one()
    out = {"card_id": card_id, "before": ask_every_worker(server, path)}
    try:
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(text("UPDATE card SET revoked_at = now(), revoked_reason = 'benchmark' WHERE id = :i"),
                         {"i": card_id})
        committed = time.perf_counter()
        out["after"] = ask_every_worker(server, path)
        out["after_ms"] = (time.perf_counter() - committed) * 1000
    finally:
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(text("UPDATE card SET revoked_at = :r, revoked_reason = :why WHERE id = :i"),
                         {"r": revoked_at, "why": reason, "i": card_id})
        with app.app_context():
            db.engine.dispose()
    out["restored"] = ask_every_worker(server, path)
    pids = server.worker_pids()
    covers = lambda answers: sorted(p for p, _ in answers) == sorted(pids)  # noqa: E731
    out["ok"] = (covers(out["before"]) and covers(out["after"]) and all(s == 200 for _, s in out["before"])
                 and all(s == 410 for _, s in out["after"]) and all(s == 200 for _, s in out["restored"]))
    return out


# --------------------------------------------------------------------------- report

def machine() -> dict:
    from worklist import machine as base
    info = base()
    info["wrk"] = subprocess.run([shutil.which("wrk") or "wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    from importlib.metadata import version
    info.update({name: version(name) for name in ("flask", "gunicorn", "psycopg", "sqlalchemy")})
    return info


def server_settings(app) -> dict:
    from sqlalchemy import text

    from app.extensions import db
    with app.app_context():
        one = lambda sql: db.session.execute(text(sql)).scalar()  # noqa: E731
        out = {"server": one("SHOW server_version"), "shared_buffers": one("SHOW shared_buffers"),
               "db_size": one("SELECT pg_size_pretty(pg_database_size(current_database()))"),
               "people": one("SELECT count(*) FROM person")}
        db.session.remove()
    return out


def summarise(runs: list[dict]) -> dict:
    rps = [r["rps"] for r in runs]
    return {"rps": rps, "rps_median": statistics.median(rps),
            "p50_ms": statistics.median(r["latency_us"]["p50"] / 1000 for r in runs),
            "p99_ms": statistics.median(r["latency_us"]["p99"] / 1000 for r in runs),
            "p99_max_ms": max(r["latency_us"]["p99"] / 1000 for r in runs),
            "requests": sum(r["requests"] for r in runs),
            "non_2xx": sum(r["non_2xx"] for r in runs),
            "socket_errors": sum(r["socket_errors"] for r in runs),
            "mean_bytes": statistics.median(r["mean_bytes"] for r in runs),
            "cpu": {k: statistics.median(r["cpu"][k] for r in runs) for k in runs[0]["cpu"]}}


def markdown(report: dict) -> str:
    m, s, a = report["machine"], report["database"], report["args"]
    h, c = report["hello"], report["card"]
    load = lambda xs: "/".join(f"{x:.2f}" for x in xs)  # noqa: E731
    out = [f"# Card page throughput — {report['when']}", "",
           f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM; {m['os']}; Python {m['python']}",
           f"- PostgreSQL {s['server']} (shared_buffers {s['shared_buffers']}), {s['people']:,} people, "
           f"database {s['db_size']}",
           f"- {m['wrk']}; gunicorn {m['gunicorn']} (sync, {a['workers']} workers, no access log); "
           f"Flask {m['flask']}, SQLAlchemy {m['sqlalchemy']}, psycopg {m['psycopg']}",
           f"- Code: {report['git']}; load average before {load(report['load_before'])}, "
           f"after {load(report['load_after'])}",
           f"- Tokens: {report['tokens']['matched']:,} drawn at random from {report['tokens']['cards']:,} cards "
           f"(person ids {report['tokens']['first_person']:,}–{report['tokens']['last_person']:,}), "
           f"one at random per request",
           f"- wrk -t{a['threads']} -c{a['connections']} -d{a['duration']}s, {a['rounds']} rounds per app, "
           f"alternately, after {a['warmup']} s of warm-up each", "",
           "| | req/s (median) | per round | p50 ms | p99 ms | non-2xx | socket errors | bytes/response |",
           "|---|---:|---|---:|---:|---:|---:|---:|"]
    for name, x in (("hello", h), ("card page", c)):
        out.append(f"| {name} | {x['rps_median']:,.0f} | {', '.join(f'{v:,.0f}' for v in x['rps'])} | "
                   f"{x['p50_ms']:.2f} | {x['p99_ms']:.2f} | {x['non_2xx']:,} of {x['requests']:,} | "
                   f"{x['socket_errors']} | {x['mean_bytes']:,.0f} |")
    ratios = ", ".join(f"{r:.1%}" for r in report["round_ratios"])
    out += ["", f"**card / hello = {report['ratio']:.1%}** (rounds: {ratios}); target ≥ {TARGET:.0%}: "
                f"**{'met' if report['ratio'] >= TARGET else 'missed'}**", "",
            "CPU during the runs (cores, medians; 'other' is everything else on the machine; the last "
            "column is the server's CPU time per request, workers and PostgreSQL, which other load "
            "on a shared machine disturbs less than the request rates):", "",
            "| | gunicorn workers | PostgreSQL | wrk | other | idle | server CPU ms/request |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for name, x in (("hello", h), ("card page", c)):
        u = x["cpu"]
        per_request = (u["gunicorn"] + u["postgres"]) * 1000 / x["rps_median"] if x["rps_median"] else 0
        out.append(f"| {name} | {u['gunicorn']:.2f} | {u['postgres']:.2f} | {u['wrk']:.2f} | {u['other']:.2f} | "
                   f"{u['idle']:.2f} | {per_request:.3f} |")
    t = report["status_tally"]
    out += ["", f"Status check (card, {t['seconds']} s with a `response()` hook counting every status): "
                f"{json.dumps(t['statuses'])}{' — all 200' if t['ok'] else ' — NOT all 200'}", ""]
    r = report["revocation"]
    fmt = lambda xs: ", ".join(f"worker {p}: {st}" for p, st in xs)  # noqa: E731
    out += [f"Revocation (card {r['card_id']}, `UPDATE card SET revoked_at = now()` while gunicorn runs):", "",
            f"- before: {fmt(r['before'])}",
            f"- right after the commit ({r['after_ms']:.1f} ms for both answers): {fmt(r['after'])}",
            f"- restored: {fmt(r['restored'])}",
            f"- {'OK: every worker answered 410 at once' if r['ok'] else 'FAILED'}", ""]
    return "\n".join(out)


def git_rev() -> str:
    from worklist import git_rev as base
    return base()


# --------------------------------------------------------------------------- main

def main(argv=None) -> int:
    args = parse_args(argv)
    if not shutil.which(args.wrk) and not Path(args.wrk).exists():
        raise SystemExit("wrk not found: apt-get install -y wrk")
    from app import create_app
    from app.config import normalise_database_url

    url = normalise_database_url(args.database_url)
    os.environ.pop("DATABASE_URL", None)
    # The same configuration gunicorn's app gets: Config, instance/config.py, the
    # environment (SECRET_KEY, CARD_KEY) — only the database is given here.
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random()
    print(f"drawing {args.tokens:,} cards at random …", flush=True)
    tokens, token_info = draw_tokens(app, args.seed, args.tokens, rng)
    report = {"when": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "machine": machine(), "git": git_rev(),
              "database": server_settings(app), "args": vars(args), "tokens": token_info}

    tmp = Path(tempfile.mkdtemp(prefix="anju-card-bench-"))  # 0700: the tokens are card keys
    servers = []
    try:
        card_paths = tmp / "card.paths"
        # the QR code's form: /C/<TOKEN> (upper case, QR alphanumeric mode)
        card_paths.write_text("".join(f"/C/{t}\n" for t in tokens))
        hello_paths = tmp / "hello.paths"
        hello_paths.write_text("/\n")
        config = gunicorn_config(tmp)
        env = {**os.environ, "DATABASE_URL": url}
        hello = Server("hello", "hello:app", config, args.workers, env, extra=["--pythonpath", str(ROOT / "bench")])
        card = Server("card", "wsgi:app", config, args.workers, env)
        servers = [hello, card]
        hello.wait("/")
        card.wait(f"/C/{tokens[0]}")

        # a sample answers 200 with the card page
        for token in tokens[:50]:
            with urllib.request.urlopen(card.url(f"/C/{token}"), timeout=5) as r:
                body = r.read().decode()
                if r.status != 200 or "便民服务联系卡" not in body:
                    raise SystemExit(f"card page check failed: {r.status}")
        with urllib.request.urlopen(hello.url("/"), timeout=5) as r:
            assert r.read() == b"hello"

        print(f"warm-up {args.warmup} s each …", flush=True)
        run_wrk(args, hello, hello_paths, tmp, args.warmup)
        run_wrk(args, card, card_paths, tmp, args.warmup)
        report["load_before"] = os.getloadavg()
        runs = {"hello": [], "card": []}
        for i in range(args.rounds):
            for name, server, paths in (("hello", hello, hello_paths), ("card", card, card_paths)):
                r = run_wrk(args, server, paths, tmp, args.duration)
                runs[name].append(r)
                print(f"round {i + 1} {name:5}: {r['rps']:8,.0f} req/s  p50 {r['latency_us']['p50'] / 1000:.2f} ms  "
                      f"p99 {r['latency_us']['p99'] / 1000:.2f} ms  non-2xx {r['non_2xx']}  "
                      f"cpu gunicorn {r['cpu']['gunicorn']:.2f} pg {r['cpu']['postgres']:.2f} "
                      f"wrk {r['cpu']['wrk']:.2f} idle {r['cpu']['idle']:.2f}", flush=True)
        report["load_after"] = os.getloadavg()
        report["hello"], report["card"] = summarise(runs["hello"]), summarise(runs["card"])
        report["round_ratios"] = [c["rps"] / h["rps"] for h, c in zip(runs["hello"], runs["card"])]
        report["ratio"] = report["card"]["rps_median"] / report["hello"]["rps_median"]
        report["runs"] = {k: [{x: y for x, y in r.items() if x != "wrk_output"} for r in v] for k, v in runs.items()}

        tally = run_wrk(args, card, card_paths, tmp, 3, tally=True)
        report["status_tally"] = {"seconds": 3, "statuses": tally["statuses"],
                                  "ok": set(tally["statuses"]) == {"200"} and tally["socket_errors"] == 0}
        report["revocation"] = revocation_check(app, card, rng.choice(tokens))
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    text = markdown(report)
    print()
    print(text)
    out = Path(args.results_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"card-page-{stamp}.md").write_text(text, encoding="utf-8")
    (out / f"card-page-{stamp}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str),
                                                 encoding="utf-8")
    print(f"written to {out}/card-page-{stamp}.md")
    ok = (report["hello"]["non_2xx"] == 0 and report["card"]["non_2xx"] == 0 and report["status_tally"]["ok"]
          and report["revocation"]["ok"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
