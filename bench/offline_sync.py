#!/usr/bin/env python
"""Benchmark: a registration typed offline and synced, on a slow mobile connection (issue 16).

    .venv/bin/python bench/offline_sync.py            # a fresh demo database in a temporary folder
    .venv/bin/python bench/offline_sync.py --json out.json

Debian's Chromium at 360 × 740 against gunicorn (the project's config, 2 workers) with a demo
county of 200 people, through a throttling proxy with Chrome's "Slow 3G" figures (2 s round
trip: 1 s each way for every burst of data; 50 KB/s down and up). The proxy slows everything,
the service worker's own downloads included (DevTools' throttling does not reach those).
It measures:

1. the cold first load of the registration form (bytes on the wire and time to ``load``),
   and the time until the offline kit (pack, division names, kept pages) is on the phone;
2. offline: the time from tapping 保存登记 to the "saved on this phone" message;
3. back online: the time from the connection's return to 待同步 0 条 (the sync found the
   connection by itself, sent the registration with its Idempotency-Key and heard back);
4. the repeat load of the form (the service worker installed).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.domain.idcard import make_id_number  # noqa: E402
from bench.page_weight import CHROMIUM, ROOT, Meter, demo_server, free_port, log_in  # noqa: E402

ONE_WAY_S, BYTES_PER_S = 1.0, 50 * 1024  # Chrome's "Slow 3G": 2 s round trip, 50 KB/s


class SlowLink(threading.Thread):
    """A TCP proxy on ``port`` to ``target``: each burst of data waits the one-way delay and
    then goes at the link's rate, in both directions."""

    def __init__(self, port: int, target: int):
        super().__init__(daemon=True)
        self.port, self.target = port, target
        self.bytes = 0

    def run(self):
        asyncio.run(self._serve())

    async def _serve(self):
        server = await asyncio.start_server(self._connection, "127.0.0.1", self.port)
        async with server:
            await server.serve_forever()

    async def _connection(self, client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer),
                             return_exceptions=True)

    async def _pipe(self, reader, writer):
        try:
            while data := await reader.read(16384):
                await asyncio.sleep(ONE_WAY_S + len(data) / BYTES_PER_S)
                self.bytes += len(data)
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()
KIT_READY = """async () => {
    const pages = (await (await caches.open("anju-pages")).keys()).map((r) => new URL(r.url).pathname);
    const done = await new Promise((ok) => { const open = indexedDB.open("anju-offline");
        open.onsuccess = () => { const r = open.result.transaction("kv").objectStore("kv").get("divisions");
        r.onsuccess = () => ok(!!r.result); }; open.onerror = () => ok(false); });
    return done && pages.includes("/grid/people/new") && pages.includes("/grid/")
        && navigator.serviceWorker.controller !== null;
}"""


def measure(base: str, password: str, link: SlowLink) -> dict:
    from playwright.sync_api import expect, sync_playwright

    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        log_in(context, base, "coordinator", password)
        page = context.new_page()
        page.set_default_timeout(120_000)
        meter = Meter(page)

        before = link.bytes
        started = time.perf_counter()
        page.goto(f"{base}/grid/people/new", wait_until="load")
        out["cold_load_s"] = round(time.perf_counter() - started, 2)
        while not page.evaluate(KIT_READY):  # (wait_for_function does not wait for a promise)
            if time.perf_counter() - started > 300:
                raise TimeoutError("the offline kit was not on the phone after 5 minutes")
            time.sleep(0.25)
        out["kit_ready_s"] = round(time.perf_counter() - started, 2)
        cold = meter.summary(base)
        out["cold_page_bytes"], out["cold_kit_bytes"] = cold["wire_bytes"], cold["kit_bytes"]
        out["cold_bytes_incl_service_worker"] = link.bytes - before

        # -- offline: one registration, on the form opened again later in a new tab (with the
        # measuring DevTools session attached, an offline reload bypassed the service worker)
        page.close()
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.goto(f"{base}/grid/people/new", wait_until="load")
        context.set_offline(True)
        page.reload()
        number = make_id_number("110101", dt.date(1990, 5, 17), 77)
        page.get_by_label("身份证号码", exact=True).press_sequentially(number)
        expect(page.locator("#id-feedback")).to_contain_text("号码有效")
        page.get_by_label("姓名", exact=True).fill("离线测速")
        page.get_by_label("手机号码", exact=True).fill("13912345678")
        dwelling = page.get_by_label("现住所", exact=True)
        dwelling.select_option(index=1)
        started = time.perf_counter()
        page.get_by_role("button", name="保存登记").first.click()
        expect(page.locator("#offline-bar")).to_contain_text("已保存到本机")
        out["saved_offline_s"] = round(time.perf_counter() - started, 3)

        # -- online again, still slow: the sync goes by itself
        meter = Meter(page)
        before_sync = link.bytes
        started = time.perf_counter()
        context.set_offline(False)
        expect(page.locator("#offline-bar [data-count]")).to_have_text("待同步 0 条", timeout=120_000)
        out["synced_s"] = round(time.perf_counter() - started, 2)
        out["sync_bytes_incl_service_worker"] = link.bytes - before_sync

        # -- a repeat load of the form
        meter.reset()
        page.wait_for_timeout(3000)  # what the sync started afterwards (a fresh pack) is done
        before = link.bytes
        started = time.perf_counter()
        page.goto(f"{base}/grid/people/new", wait_until="load")
        out["repeat_load_s"] = round(time.perf_counter() - started, 2)
        repeat = meter.summary(base)
        page.wait_for_timeout(3000)
        out["repeat_bytes_incl_service_worker"] = link.bytes - before
        context.close()
        browser.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    with demo_server("offline-sync-bench") as (direct, env, password, _):
        link = SlowLink(free_port(), int(direct.rsplit(":", 1)[1]))
        link.start()
        figures = measure(f"http://127.0.0.1:{link.port}", password, link)
        check = subprocess.run([sys.executable, "-c", (
            "from app import create_app\nfrom app.extensions import db\nfrom app.models import Person\n"
            "app = create_app()\nwith app.app_context():\n"
            "    print(db.session.scalar(db.select(db.func.count()).select_from(Person)"
            ".where(Person.name == '离线测速')))\n")], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        figures["registered"] = int(check.stdout.strip())
    for key, value in figures.items():
        print(f"{key:>18}: {value:,}" if isinstance(value, int) else f"{key:>18}: {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0 if figures["registered"] == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
