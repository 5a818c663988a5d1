#!/usr/bin/env python
"""The measured load run: gunicorn (the project's settings) and the job runner on a seeded
database, Locust's county scenario (bench/locustfile.py) against it, worker memory before
and after.

    DATABASE_URL=postgresql://…/anju_load SECRET_KEY=… .venv/bin/python bench/loadtest.py \
        --users 100 --duration 10m --workers 4

The database must hold a demo county seeded with ``flask seed-demo --seed 2026`` under the
same SECRET_KEY (card tokens are derived from the seed, ``bench/load_cards.py``). Each
simulated person comes from an address of its own (X-Forwarded-For, the server trusting one
proxy as behind nginx), so per-address limits apply as they would to a county's phones.
Redis (127.0.0.1:6379, database 12) keeps the rate limits, as on a server.

Writes bench/results/load-<timestamp>.md (and Locust's CSV files beside it); prints the
summary. Needs the load tool's own environment: ``make loadtest-tools`` (.venv-load).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCUST = ROOT / ".venv-load" / "bin" / "locust"
RESULTS = ROOT / "bench" / "results"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workers_rss(master: int) -> dict[int, int]:
    """Resident memory (KB) of each gunicorn worker (the master's children)."""
    out = {}
    for pid in subprocess.run(["ps", "--ppid", str(master), "-o", "pid="], capture_output=True,
                              text=True).stdout.split():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        if "gunicorn" not in Path(f"/proc/{pid}/cmdline").read_text(errors="replace"):
            continue
        out[int(pid)] = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=2)
    parser.add_argument("--duration", default="10m")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=60, help="seconds of load before the first memory reading")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL (and SECRET_KEY) to the seeded database")
    if not LOCUST.exists():
        raise SystemExit("make loadtest-tools first (Locust in .venv-load)")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
    RESULTS.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, str(ROOT / "bench" / "load_cards.py"), "--count", "500"], check=True, cwd=ROOT)
    port = free_port()
    env = {**os.environ, "BIND": f"127.0.0.1:{port}", "WORKERS": str(args.workers), "PROXY_FIX_X_FOR": "1",
           "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/12", "ACCESS_LOG": os.devnull}
    server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env)
    runner = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "jobs", "work"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        prefix = RESULTS / f"load-{stamp}"
        locust = subprocess.Popen([str(LOCUST), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                                   "-u", str(args.users), "-r", str(args.spawn_rate), "-t", args.duration,
                                   "--host", base, "--csv", str(prefix), "--only-summary"], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(args.warmup)
        before = workers_rss(server.pid)
        output, _ = locust.communicate()
        after = workers_rss(server.pid)
    finally:
        for process in (runner, server):  # the runner may finish its job first (its grace)
            process.terminate()
        for process in (runner, server):
            try:
                process.wait(90)
            except subprocess.TimeoutExpired:
                process.kill()
    report = summarise(prefix, before, after, args, stamp)
    (RESULTS / f"load-{stamp}.md").write_text(report)
    print(output[-3000:])
    print(report)
    return 0


def summarise(prefix: Path, before: dict, after: dict, args, stamp: str) -> str:
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))
    lines = [f"Load run {stamp}: {args.users} users, {args.duration}, {args.workers} gunicorn workers", "",
             "| page | requests | failures | median ms | p95 ms | p99 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['Type']} {r['Name']} | {r['Request Count']} | {r['Failure Count']} | {r['50%']} | "
                     f"{r['95%']} | {r['99%']} | {float(r['Max Response Time']):.0f} |")
    total = next((r for r in rows if r["Name"] == "Aggregated"), None)
    lines.append("")
    if total:
        lines.append(f"Throughput {float(total['Requests/s']):.1f} req/s, {total['Failure Count']} failures "
                     f"of {total['Request Count']} requests.")
    growth = []
    for pid, kb in sorted(before.items()):
        end = after.get(pid)
        growth.append(f"worker {pid}: {kb / 1024:.1f} → " + (f"{end / 1024:.1f} MB ({(end - kb) / kb:+.1%})"
                                                             if end else "gone (restarted)"))
    lines += ["", "Worker memory (RSS) after the warm-up and at the end:", *[f"- {g}" for g in growth]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
