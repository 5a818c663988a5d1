#!/usr/bin/env python
"""Benchmark: 10,000 inflow notices from county A to county B on loopback, B restarted
once in the middle (issue 15: ≥ 200 messages/s end to end, zero lost, zero duplicated).

    .venv/bin/python bench/exchange.py                      # 10,000 notices, B on SQLite
    .venv/bin/python bench/exchange.py --notices 2000 --b-database postgresql+psycopg://postgres@127.0.0.1:5432/anju_bench_b

What it does:

1. County B (the origin, 西湖区 330106) gets its own database with the 10,000 people on its
   outflow register (away), and is served by gunicorn (``gunicorn.conf.py``, 2 sync
   workers) on ``--port`` as a separate process.
2. County A (the destination, 南山区 440305, a SQLite file) registers the 10,000 people
   through ``registration.write`` (the one write path): the outbox then holds 10,000
   notices, written in the registrations' transaction. Not timed.
3. Timed: ``outbox.deliver`` (as ``flask exchange send`` runs it: batches of 100 messages,
   4 POSTs at a time) until every notice is delivered; B verifies each batch, stores and
   processes its messages (matches the outflow record, confirms it, queues its feedback).
   When half are delivered B is stopped (SIGTERM) and started again while A goes on
   sending; the deliveries that fail meanwhile are retried (``EXCHANGE_RETRY_SECONDS`` = 1
   here, 30 by default).
4. Counts, in B: notices stored (= 10,000: none lost), distinct message ids (none stored
   twice), records confirmed once each (audit rows ``outflow.confirm`` = 10,000: no effect
   twice), feedback queued = 10,000.

Results are printed; record them in docs/performance.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

KEY = "whsec_YmVuY2gtZXhjaGFuZ2Uta2V5LWJldHdlZW4tQS1hbmQtQg=="


def make_app(url: str):
    from app import create_app
    from app.config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        EXCHANGE_RETRY_SECONDS = 1
    return create_app(BenchConfig)


def areas(db, Area, county, township, with_phone=True):
    c = Area(code=county[0], name=county[1], level="county", path="/")
    db.session.add(c)
    db.session.flush()
    t = Area(code=township[0], name=township[1], level="township", parent=c, path=f"/{c.id}/",
             phone="0755-26660000" if with_phone else None)
    db.session.add(t)
    db.session.flush()
    m = Area(code=township[0] + "001", name="第一社区", level="community", parent=t, path=f"{t.path}{t.id}/")
    db.session.add(m)
    db.session.flush()
    g = Area(code=township[0] + "-G1", name="第1网格", level="grid", parent=m, path=f"{m.path}{m.id}/")
    db.session.add(g)
    db.session.flush()
    return g


def reset(db, url):
    from flask_migrate import upgrade
    if url.startswith("postgresql"):
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade()


def people(n):
    from app.domain.idcard import make_id_number
    start = dt.date(1970, 1, 1)
    return [(make_id_number("330106", start + dt.timedelta(days=i // 900), i % 900), f"测试{i:05d}") for i in range(n)]


def setup_b(url, port_a, persons):
    from app.extensions import db
    from app.models import Area, Peer, Setting
    from app.services.common.context import Actor
    from app.services.outflow import register
    app = make_app(url)
    with app.app_context():
        reset(db, url)
        grid = areas(db, Area, ("330106", "西湖区"), ("330106002", "北山街道"))
        db.session.add_all([Setting(key="exchange.county_code", value="330106"),
                            Setting(key="exchange.county_name", value="西湖区"),
                            Peer(name="南山区", code="440305", prefixes="440305", base_url=None, key=KEY)])
        rows = [{**register.normalise({"id_number": n, "name": name, "left_on": dt.date(2026, 1, 5)}), "grid_id": grid.id}
                for n, name in persons]
        for i in range(0, len(rows), 2000):
            register.write(Actor.cli(), rows[i:i + 2000])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def setup_a(url, port_b, persons):
    from app.extensions import db
    from app.models import Area, Peer, Setting, User
    from app.services.common.context import Actor
    from app.services.registry import registration
    app = make_app(url)
    with app.app_context():
        reset(db, url)
        grid = areas(db, Area, ("440305", "南山区"), ("440305001", "南头街道"))
        user = User(username="bench", name="bench", role="admin", password_hash="x")
        db.session.add_all([user, Setting(key="exchange.county_code", value="440305"),
                            Setting(key="exchange.county_name", value="南山区"),
                            Peer(name="西湖区", code="330106", prefixes="330106", base_url=f"http://127.0.0.1:{port_b}",
                                 key=KEY)])
        db.session.commit()
        arrivals = [registration.Arrival(person={"id_number": n, "name": name, "sex": None, "birth_date": None,
                                                 "hukou_area_code": "330106002", "arrived_on": dt.date(2026, 3, 1)},
                                         grid_id=grid.id) for n, name in persons]
        for i in range(0, len(arrivals), 1000):
            registration.write(Actor(user.id, "bench"), arrivals[i:i + 1000])
            db.session.commit()
        db.session.remove()
    return app


def start_b(url, port, log):
    env = {**os.environ, "DATABASE_URL": url, "BIND": f"127.0.0.1:{port}", "WORKERS": "2", "ACCESS_LOG": "/dev/null",
           "SECRET_KEY": "bench", "JOBS_RUNNER": ""}
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                               env=env, stdout=log, stderr=log)
    import requests
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError("B did not start")


def restart_b(b, url, port, log):
    """Stop B (SIGTERM: gunicorn finishes the requests it is serving) and start it again."""
    b.send_signal(signal.SIGTERM)
    b.wait(30)
    return start_b(url, port, log)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--notices", type=int, default=10000)
    parser.add_argument("--port", type=int, default=8113)
    parser.add_argument("--b-database", help="B's database URL (default: a SQLite file in a temporary folder)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="anju-exchange-bench-")
    url_a = "sqlite:///" + os.path.join(tmp, "a.db")
    url_b = args.b_database or "sqlite:///" + os.path.join(tmp, "b.db")
    persons = people(args.notices)
    t0 = time.perf_counter()
    setup_b(url_b, None, persons)
    app_a = setup_a(url_a, args.port, persons)
    print(f"setup {time.perf_counter() - t0:.1f} s ({args.notices} outflow records in B, registrations in A)")
    log = open(os.path.join(tmp, "b.log"), "w")
    b = start_b(url_b, args.port, log)
    from app.extensions import db
    from app.models import OutboxMessage
    from app.services.exchange import outbox
    restarts = []
    restart = None
    totals = {"sent": 0, "retry": 0, "failed": 0}
    with app_a.app_context():
        started = time.perf_counter()
        while True:
            counts = outbox.deliver(limit=500)
            for k in totals:
                totals[k] += counts[k]
            if restart is None and totals["sent"] >= args.notices // 2:
                # B is stopped and started again while A goes on sending: the batches in
                # flight then, and those refused while B is down, are retried.
                restart = threading.Thread(target=lambda: restarts.append(restart_b(b, url_b, args.port, log)))
                restart.start()
                print(f"B restarting after {totals['sent']} delivered ({time.perf_counter() - started:.1f} s)")
            pending = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                        .where(OutboxMessage.state != "sent"))
            if pending == 0:
                break
            if sum(counts.values()) == 0:
                time.sleep(0.2)  # retries waiting for their back-off
        elapsed = time.perf_counter() - started
    restart.join()
    b = restarts[0]
    b.send_signal(signal.SIGTERM)
    b.wait(30)
    check = make_app(url_b)
    from app.models import AuditLog, InboxMessage, Outflow
    with check.app_context():
        stored = db.session.scalar(select(func.count()).select_from(InboxMessage).where(InboxMessage.type == "inflow_notice"))
        distinct = db.session.scalar(select(func.count(func.distinct(InboxMessage.message_id))))
        processed = db.session.scalar(select(func.count()).select_from(InboxMessage).where(InboxMessage.outcome == "linked"))
        confirmed = db.session.scalar(select(func.count()).select_from(Outflow).where(Outflow.confirmed_at.is_not(None)))
        effects = db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "outflow.confirm"))
        feedback = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.type == "feedback"))
    rate = args.notices / elapsed
    print(f"delivered and processed {args.notices} notices in {elapsed:.1f} s: {rate:.0f} messages/s "
          f"(sends {totals['sent']}, retries {totals['retry']}, failed {totals['failed']})")
    print(f"B: stored {stored}, distinct ids {distinct}, linked {processed}, records confirmed {confirmed}, "
          f"confirm effects {effects}, feedback queued {feedback}")
    lost = args.notices - stored
    duplicated = effects - confirmed
    print(f"lost {lost}, duplicated {duplicated}; B database {url_b.split('@')[-1]}")
    ok = lost == 0 and duplicated == 0 and processed == args.notices and feedback == args.notices and rate >= 200
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
