#!/usr/bin/env python
"""Benchmark: planning a month of services and sending the reminders at 1,000,000 people.

    .venv/bin/python bench/services.py                 # the demo county, 1,000,000 people
    .venv/bin/python bench/services.py --rounds 1      # one run of each scenario
    .venv/bin/python bench/services.py --reseed        # wipe, migrate, seed (with services), VACUUM ANALYZE

The issue asks that ``flask plan-services`` for one month and ``flask send-reminders``
each finish in at most 60 s with 1,000,000 people in PostgreSQL. The database is the
demo county as ``flask seed-demo --persons 1000000`` makes it (which includes the demo's
services: last month planned and mostly done, this month planned; see
``app/services/demo_services.py``); ``--reseed`` makes it, as ``bench/worklist.py`` does.

Scenarios, each timed around the service call (``planning.plan_month``,
``reminders.run``; the commands add only the app's start-up, also measured once at the
end as real ``flask`` commands):

1. plan next month (a new quarter and third of the year begin in January: about a
   million new appointments), then the same month again (nothing to do);
2. plan the month after (nothing begins: the month's doses, documents, newcomers);
3. send today's reminders (cancel what no longer applies, queue, send through the
   ``console`` backend within the command's 45 s budget), then the next runs (cron's
   every 15 minutes): the rest of the queue, then nothing new;
4. a busy day: next month's first working day, after planning it (the reminders of
   its first days: tens of thousands of messages).

Every scenario commits, as the commands do; afterwards what it wrote is deleted again
and the tables are vacuumed, so that the next round starts from the same state.
Quiet hours are switched off for the run (and restored). Results: a table printed and
written to ``bench/results/services-<timestamp>.md`` / ``.json`` (git-ignored).
"""
from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.worklist import count_people, database_parser, git_rev, machine, make_app, reseed, save_results  # noqa: E402


def parse_args(argv=None):
    p = database_parser(__doc__)
    p.add_argument("--rounds", type=int, default=3, help="runs of each scenario (default %(default)s)")
    p.add_argument("--skip-cli", action="store_true", help="do not run the flask commands at the end")
    p.add_argument("--results-dir", default=str(ROOT / "bench" / "results"))
    return p.parse_args(argv)


# --------------------------------------------------------------------------- helpers

def _exec(app, sql: str, **params):
    from sqlalchemy import text

    from app.extensions import db
    with app.app_context():
        result = db.session.execute(text(sql), params)
        db.session.commit()
        return result


def _autocommit(app, sql: str):
    from sqlalchemy import text

    from app.extensions import db
    with app.app_context():
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(sql))


def undo(app, since: dt.datetime) -> None:
    """Delete what a scenario wrote (new appointments, queued messages) and vacuum."""
    _exec(app, "DELETE FROM sms_outbox WHERE created_at >= :since", since=since)
    _exec(app, "DELETE FROM appointment WHERE planned_at >= :since", since=since)
    _exec(app, "DELETE FROM audit_log WHERE at >= :since AND action IN ('services.plan', 'sms.run')", since=since)
    _autocommit(app, "VACUUM ANALYZE appointment")
    _autocommit(app, "VACUUM ANALYZE sms_outbox")


def counts(app) -> dict:
    from sqlalchemy import text

    from app.extensions import db
    with app.app_context():
        one = lambda sql: db.session.execute(text(sql)).scalar()  # noqa: E731
        return {
            "people": one("SELECT count(*) FROM person"),
            "present": one("SELECT count(*) FROM person WHERE status = 'present'"),
            "children_under_7": one("SELECT count(*) FROM person WHERE status = 'present' "
                                    "AND birth_date > current_date - interval '7 years'"),
            "appointments": one("SELECT count(*) FROM appointment"),
            "planned": one("SELECT count(*) FROM appointment WHERE status = 'planned'"),
            "documents": one("SELECT count(*) FROM document"),
            "choices": one("SELECT count(*) FROM service_choice"),
            "outbox": one("SELECT count(*) FROM sms_outbox"),
            "db_size": one("SELECT pg_size_pretty(pg_database_size(current_database()))"),
            "server": one("SHOW server_version"),
            "shared_buffers": one("SHOW shared_buffers"),
        }


def timed(label: str, call) -> dict:
    load = os.getloadavg()
    t0 = time.perf_counter()
    value = call()
    seconds = time.perf_counter() - t0
    print(f"  {label:<58} {seconds:7.1f} s  (load {load[0]:.1f})", flush=True)
    return {"seconds": seconds, "load": load[0], "value": value}


def _plan(app, month: dt.date, today: dt.date):
    from app.services.common.context import Actor
    from app.services.health import planning
    with app.app_context():
        r = planning.plan_month(Actor.cli(), month, today=today)
        return {"created": r.total_created, "missed": r.missed, "cancelled": r.total_cancelled}


def _send(app, now: dt.datetime):
    from app.services.common.context import Actor
    from app.services.health import reminders
    with app.app_context():
        r = reminders.run(Actor.cli(), now=now, seconds=reminders.RUN_SECONDS)  # as the command does
        s = r.sending
        return {"queued": r.enqueued, "sent": s.sent, "left for the next run": r.waiting, "failed": s.failed,
                "skipped": s.skipped, "cancelled": sum(r.cancelled.values())}


def _local(day: dt.date, hour: int) -> dt.datetime:
    from app.domain.clock import LOCAL
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL).astimezone(dt.timezone.utc).replace(tzinfo=None)


def _now() -> dt.datetime:
    from app.domain.clock import utcnow
    return utcnow() - dt.timedelta(seconds=1)


# --------------------------------------------------------------------------- scenarios

def scenarios(app, rounds: int) -> list[dict]:
    from app.domain import dates
    from app.domain.clock import local_today

    today = local_today()
    this_month = dates.first_of_month(today)
    nxt, after = dates.add_months_to_first(this_month, 1), dates.add_months_to_first(this_month, 2)
    first_workday = dates.workdays(nxt)[0]
    results: dict[str, list[dict]] = {}

    def add(name, run):
        results.setdefault(name, []).append(run)

    for n in range(1, rounds + 1):
        print(f"round {n}/{rounds}", flush=True)
        since = _now()
        add(f"plan {nxt:%Y-%m} (next month)", timed(f"plan {nxt:%Y-%m}", lambda: _plan(app, nxt, today)))
        add(f"plan {nxt:%Y-%m} again (nothing new)", timed(f"plan {nxt:%Y-%m} again", lambda: _plan(app, nxt, today)))
        add(f"plan {after:%Y-%m} (the month after)", timed(f"plan {after:%Y-%m}", lambda: _plan(app, after, today)))
        undo(app, since)

        since = _now()
        morning = _local(today, 10)
        add("send-reminders today", timed("send-reminders today", lambda: _send(app, morning)))
        for minutes in (15, 30, 45):  # cron's next runs: the queue drains, then there is nothing new
            later = morning + dt.timedelta(minutes=minutes)
            add(f"send-reminders {minutes} minutes later",
                timed(f"send-reminders {minutes} minutes later", lambda: _send(app, later)))
        undo(app, since)

        since = _now()
        _plan(app, nxt, today)
        busy = _local(first_workday, 9)
        add(f"send-reminders on {first_workday} (after planning {nxt:%Y-%m})",
            timed(f"send-reminders on {first_workday}", lambda: _send(app, busy)))
        undo(app, since)
    return [summary(name, runs) for name, runs in results.items()]


def summary(name: str, runs: list[dict]) -> dict:
    seconds = sorted(r["seconds"] for r in runs)
    return {"scenario": name, "runs": len(runs), "median_s": statistics.median(seconds), "min_s": seconds[0],
            "max_s": seconds[-1], "load": [r["load"] for r in runs], "result": runs[-1]["value"]}


def cli_runs(args, app) -> list[dict]:
    """The real commands, once each, as an operator types them (start-up included)."""
    from app.domain import dates
    from app.domain.clock import local_today

    nxt = dates.add_months_to_first(dates.first_of_month(local_today()), 1)
    env = {**os.environ, "DATABASE_URL": args.database_url, "FLASK_APP": "wsgi"}
    flask = str(ROOT / ".venv" / "bin" / "flask")
    since = _now()
    out = []
    for command in (["plan-services", "--month", f"{nxt:%Y-%m}"], ["send-reminders"]):
        load = os.getloadavg()[0]
        t0 = time.perf_counter()
        done = subprocess.run([flask, *command], cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        last = (done.stdout.strip().splitlines() or [done.stderr.strip()[-200:]])[-1]
        print(f"  flask {' '.join(command):<52} {seconds:7.1f} s  (load {load:.1f}) {last}", flush=True)
        out.append({"command": "flask " + " ".join(command), "seconds": seconds, "load": load, "output": last,
                    "exit": done.returncode})
    undo(app, since)
    return out


def markdown(report: dict) -> str:
    m, s = report["machine"], report["shape"]
    out = [f"# Services benchmark — {report['when']}", "",
           f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM; Python {m['python']}",
           f"- PostgreSQL {s['server']} (shared_buffers {s['shared_buffers']}), database {s['db_size']}",
           f"- Data: {s['people']:,} people ({s['present']:,} present, {s['children_under_7']:,} children under 7), "
           f"{s['appointments']:,} appointments ({s['planned']:,} planned), {s['documents']:,} residence permits, "
           f"{s['choices']:,} choices, {s['outbox']:,} messages in the outbox",
           f"- Code: {report['git']}; {report['rounds']} rounds; load average before "
           f"{'/'.join(f'{x:.1f}' for x in report['load_before'])}, after "
           f"{'/'.join(f'{x:.1f}' for x in report['load_after'])}", ""]
    if report.get("seeding"):
        t = report["seeding"]
        out += [f"- Seeding: schema {t['schema_s']:.1f} s, seed (with services) {t['seed_s']:.1f} s, "
                f"VACUUM ANALYZE {t['vacuum_analyze_s']:.1f} s", ""]
    out += ["| Scenario | runs | median s | min s | max s | result |", "|---|---:|---:|---:|---:|---|"]
    for r in report["rows"]:
        result = ", ".join(f"{k} {v:,}" if isinstance(v, int) and not isinstance(v, bool) else f"{k} {v}"
                           for k, v in r["result"].items())
        out.append(f"| {r['scenario']} | {r['runs']} | {r['median_s']:.1f} | {r['min_s']:.1f} | {r['max_s']:.1f} "
                   f"| {result} |")
    if report.get("cli"):
        out += ["", "| Command (start-up included) | s | output |", "|---|---:|---|"]
        for c in report["cli"]:
            out.append(f"| `{c['command']}` | {c['seconds']:.1f} | {c['output']} |")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    from flask_migrate import upgrade
    from sqlalchemy.engine import make_url

    from app.services.admin import settings
    from app.services.common.context import Actor
    from app.services.health import service_types

    args = parse_args(argv)
    os.environ.pop("DATABASE_URL", None)
    app = make_app(args.database_url)
    report = {"when": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "machine": machine(), "git": git_rev(),
              "rounds": args.rounds, "database": args.database_url.rsplit("@", 1)[-1]}
    if args.reseed or count_people(app) < args.persons:
        if "bench" not in make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database and not args.allow_wipe:
            raise SystemExit(f"refusing to wipe {report['database']}: its name lacks 'bench' (see --allow-wipe)")
        print(f"Seeding {args.persons:,} people into {report['database']} …", flush=True)
        report["seeding"] = reseed(app, args.persons, args.seed)
    with app.app_context():
        upgrade()  # a database seeded before the services came
        service_types.install_defaults(Actor.cli())
        quiet = settings.get("sms.quiet_start"), settings.get("sms.quiet_end")
        settings.update(Actor.cli(), {"sms.quiet_start": "0", "sms.quiet_end": "0"})
    report["shape"] = counts(app)
    print(f"{report['shape']['people']:,} people, {report['shape']['appointments']:,} appointments", flush=True)
    report["load_before"] = os.getloadavg()
    try:
        report["rows"] = scenarios(app, args.rounds)
        if not args.skip_cli:
            report["cli"] = cli_runs(args, app)
    finally:
        with app.app_context():
            settings.update(Actor.cli(), {"sms.quiet_start": str(quiet[0]), "sms.quiet_end": str(quiet[1])})
    report["load_after"] = os.getloadavg()
    save_results(args.results_dir, "services", markdown(report), report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
