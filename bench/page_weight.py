#!/usr/bin/env python
"""Benchmark: what a phone downloads, measured in Chromium against gunicorn (issue 17).

    .venv/bin/python bench/page_weight.py            # a fresh demo database in a temporary folder
    .venv/bin/python bench/page_weight.py --json out.json

Targets: a coordinator's cold first load ≤ 40 KB on the wire (issue 16; 30 KB before offline work), a repeat load ≤ 8 KB with no
revalidation request for a static file, the public card page ≤ 6 KB cold. What the offline
script fetches after the page (the coordinator's pack and the pages kept for working
offline, once per ten minutes at most) is reported beside the page, not in it.

What it does: makes a demo county (``flask init-db``, ``flask seed-demo --persons 200``) in
a temporary SQLite database, issues one card (its token is known only at issue), starts
gunicorn with the project's ``gunicorn.conf.py`` on a free port, and drives Debian's
Chromium (Playwright, 360 × 740) through it:

1. *cold*: a new browser profile signs in (the login form, posted through the browser's own
   cookie jar, so nothing of the login page is counted) and opens ``/grid/``;
2. *repeat*: the same profile opens ``/grid/`` again (the service worker is installed by then);
3. *repeat, HTTP cache only*: as 1–2 with service workers blocked, to show the static files
   are not asked for again without one either;
4. *card*: a new profile opens the card's QR URL.

"On the wire" is what Chromium's DevTools protocol reports for each response of the page
(``encodedDataLength``: headers and compressed body, as received), summed over the
responses that came from the network. The service worker's own install downloads (the app
shell, after the page has loaded) are counted from gunicorn's access log (bodies only).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
TARGETS = {"cold": 40 * 1024, "repeat": 8 * 1024, "card": 6 * 1024}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env, *args) -> str:
    return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout


def issue_card(env) -> str:
    code = ("from app import create_app\nfrom app.extensions import db\nfrom app.models import Person\n"
            "from app.services.cards import issuing\nfrom app.services.common.context import Actor\n"
            "app = create_app()\nwith app.app_context():\n"
            "    p = db.session.scalar(db.select(Person).where(Person.status == 'present').order_by(Person.id))\n"
            "    print(issuing._new(Actor.cli(), p).token); db.session.commit()\n")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True).stdout.strip().splitlines()[-1]


class Meter:
    """Bytes and requests of one page, from the DevTools protocol."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.responses: dict[str, dict] = {}
        self.from_cache: set[str] = set()  # announced before the response itself
        self.by_script: set[str] = set()  # fetched by the offline script (the kit), not the page
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.requestServedFromCache", self._cached)

    def _sent(self, event):
        frames = (event.get("initiator") or {}).get("stack", {}).get("callFrames", [])
        if any("/js/offline." in f.get("url", "") for f in frames):
            self.by_script.add(event["requestId"])

    def _response(self, event):
        r = event["response"]
        self.responses[event["requestId"]] = {
            "url": r["url"], "status": r["status"], "encoding": r["headers"].get("content-encoding", ""),
            "cache": "memory/disk" if (r.get("fromDiskCache") or r.get("fromPrefetchCache")
                                       or event["requestId"] in self.from_cache) else
                     ("service worker" if r.get("fromServiceWorker") else "network"),
            "bytes": 0, "kit": event["requestId"] in self.by_script}

    def _finished(self, event):
        if event["requestId"] in self.responses:
            self.responses[event["requestId"]]["bytes"] = int(event["encodedDataLength"])

    def _cached(self, event):
        self.from_cache.add(event["requestId"])
        if event["requestId"] in self.responses:
            self.responses[event["requestId"]]["cache"] = "memory/disk"

    def reset(self):
        self.responses, self.from_cache, self.by_script = {}, set(), set()

    def summary(self, base: str) -> dict:
        rows = [{**r, "url": r["url"].replace(base, "")} for r in self.responses.values()]
        wire = [r for r in rows if r["cache"] == "network"]
        return {"wire_bytes": sum(r["bytes"] for r in wire if not r["kit"]),
                "kit_bytes": sum(r["bytes"] for r in wire if r["kit"]), "requests": len(rows),
                "network_requests": len(wire),
                "static_from_network": [r["url"] for r in wire if r["url"].startswith("/static/")],
                "responses": rows}


def access_log_bytes(log: Path, start: int) -> tuple[int, list[str], int]:
    lines = log.read_text().splitlines()[start:]
    total, urls = 0, []
    for line in lines:
        match = re.search(r'"(\w+) (\S+) [^"]*" (\d+) (\d+|-)', line)
        if match:
            urls.append(match.group(2))
            total += int(match.group(4)) if match.group(4) != "-" else 0
    return total, urls, len(log.read_text().splitlines())


def access_log_bytes_of(log: Path, start: int, url: str) -> int:
    """The body bytes of the first response to ``url`` logged from line ``start``."""
    for line in log.read_text().splitlines()[start:]:
        match = re.search(r'"\w+ (\S+) [^"]*" \d+ (\d+)', line)
        if match and match.group(1) == url:
            return int(match.group(2))
    return 0


def log_in(context, base: str, username: str, password: str) -> None:
    form = context.request.get(f"{base}/auth/login").text()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', form)
    csrf = next(g for g in token.groups() if g)
    response = context.request.post(f"{base}/auth/login", form={"csrf_token": csrf, "username": username,
                                                                "password": password}, max_redirects=0)
    assert response.status == 302, response.status


def measure(base: str, token: str, password: str, log: Path) -> dict:
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                    "--disable-background-networking"])
        for label, workers in (("sw", "allow"), ("http-cache-only", "block")):
            context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers=workers,
                                          locale="zh-CN")
            log_in(context, base, "coordinator", password)
            page = context.new_page()
            meter = Meter(page)
            mark = cold_mark = len(log.read_text().splitlines())
            page.goto(f"{base}/grid/", wait_until="networkidle")
            if workers == "allow":
                page.wait_for_function("navigator.serviceWorker.controller !== null || "
                                       "navigator.serviceWorker.ready.then(() => true)")
                time.sleep(1.0)  # the install's cache.addAll
            cold = meter.summary(base)
            background, urls, mark = access_log_bytes(log, mark)
            cold["server_bytes_incl_service_worker_install"] = background
            cold["server_requests"] = urls
            meter.reset()
            page.goto(f"{base}/grid/", wait_until="networkidle")
            repeat = meter.summary(base)
            forwarded, repeat_urls, _ = access_log_bytes(log, mark)
            repeat["server_requests"] = repeat_urls
            # What the service worker fetched for the page (the HTML) went over the wire too:
            # its body as the server logged it, plus the headers of the same response as the
            # page received it on the cold load.
            if any(r["cache"] == "service worker" for r in repeat["responses"]):
                html_wire = next(r["bytes"] for r in cold["responses"] if r["url"] == "/grid/")
                html_body = access_log_bytes_of(log, cold_mark, "/grid/")
                repeat["wire_bytes"] += forwarded + (html_wire - html_body) * len(repeat_urls)
            repeat["static_from_server"] = [u for u in repeat_urls if u.startswith("/static/")]
            out[label] = {"cold": cold, "repeat": repeat}
            context.close()
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        page = context.new_page()
        meter = Meter(page)
        page.goto(f"{base}/C/{token}", wait_until="networkidle")
        out["card"] = meter.summary(base)
        context.close()
        browser.close()
    return out


@contextlib.contextmanager
def demo_server(secret: str, *, access_log: bool = False):
    """A demo county of 200 people in a temporary SQLite database, served by gunicorn with the
    project's config (2 workers) on a free port: yields ``(base, env, password, log)``."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "STATIC_BUILD_FOLDER": f"{tmp}/static",
               "SECRET_KEY": secret}
        env.pop("TEST_DATABASE_URL", None)
        flask(env, "init-db")
        password = re.search(r"password for all: (\S+)\)", flask(env, "seed-demo", "--persons", "200")).group(1)
        port = free_port()
        log = Path(tmp) / "access.log"
        logging = ["--access-logfile", str(log)] if access_log else []
        server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", *logging, "wsgi:app"], cwd=ROOT,
                                  env={**env, "BIND": f"127.0.0.1:{port}", "WORKERS": "2"},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            yield base, env, password, log
        finally:
            server.terminate()
            server.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    with demo_server("page-weight-bench", access_log=True) as (base, env, password, log):
        figures = measure(base, issue_card(env), password, log)
    report(figures)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    sw = figures["sw"]
    ok = (sw["cold"]["wire_bytes"] <= TARGETS["cold"] and sw["repeat"]["wire_bytes"] <= TARGETS["repeat"]
          and not sw["repeat"]["static_from_server"] and not figures["http-cache-only"]["repeat"]["static_from_server"]
          and figures["card"]["wire_bytes"] <= TARGETS["card"])
    print("targets:", "met" if ok else "NOT met")
    return 0 if ok else 1


def report(figures: dict) -> None:
    def table(title, s):
        print(f"\n{title}: {s['wire_bytes']:,} bytes on the wire for the page, {s['network_requests']} of "
              f"{s['requests']} requests from the network")
        if s["kit_bytes"]:
            print(f"  and {s['kit_bytes']:,} bytes fetched after it by the offline script (marked *): the pack "
                  f"and the pages kept for working offline")
        for r in s["responses"]:
            print(f"  {r['bytes']:>7,}  {r['status']}  {r['cache']:<14} {r['encoding']:<5} "
                  f"{'*' if r['kit'] else ' '} {r['url']}")
    table("coordinator, cold", figures["sw"]["cold"])
    print(f"  (server sent {figures['sw']['cold']['server_bytes_incl_service_worker_install']:,} bytes of bodies "
          f"in {len(figures['sw']['cold']['server_requests'])} requests, the service worker's install included)")
    table("coordinator, repeat", figures["sw"]["repeat"])
    print(f"  server saw: {figures['sw']['repeat']['server_requests']}")
    table("coordinator, repeat without a service worker (HTTP cache only)", figures["http-cache-only"]["repeat"])
    print(f"  server saw: {figures['http-cache-only']['repeat']['server_requests']}")
    table("card page, cold", figures["card"])


if __name__ == "__main__":
    sys.exit(main())
