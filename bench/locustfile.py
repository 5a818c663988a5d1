"""A county's working day, for Locust (``make loadtest``; figures in docs/performance.md).

Who does what (weights are the share of simulated people; each waits 3–10 s between
actions, as a person reading a phone does):

- coordinators (60 %): their grid list, a search as they type, a person's page, the
  dwellings, the monthly sweep (marking a dwelling visited), the review queue;
- migrants (25 %): open their card from the QR code, unlock it with the last 4 characters
  of their ID number, now and then report a new phone number (a write, to review);
- landlords (8 %): their dwellings and tenants, confirming a tenant;
- supervisors (7 %): the township overview, the KPI dashboard, data quality.

Staff log in with the demo logins (``flask seed-demo``; password ``anju-demo-2026`` unless
LOAD_PASSWORD says otherwise). Migrants need card tokens: ``bench/load_cards.py`` writes
``token,last4`` lines for cards of people present to ``LOAD_CARDS`` (default
``bench/results/load-cards.csv``); without it they open the short-code page only.
Requests are named by page (``/grid/people/[id]``), so the statistics are per page.
"""
from __future__ import annotations

import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "anju-demo-2026")
CARDS_FILE = Path(os.environ.get("LOAD_CARDS", Path(__file__).parent / "results" / "load-cards.csv"))
CARDS = [line.split(",") for line in CARDS_FILE.read_text().split()] if CARDS_FILE.exists() else []
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
HX_CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
SEARCHES = ["张", "王", "李", "1380", "路", "小", "文", "33"]


def own_address(user: HttpUser) -> None:
    """Each simulated person comes from an address of its own, as a county's phones do (the
    server under test trusts one proxy: PROXY_FIX_X_FOR=1, bench/loadtest.py)."""
    user.client.headers["X-Forwarded-For"] = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


class Staff(HttpUser):
    abstract = True
    wait_time = between(3, 10)
    usernames: tuple[str, ...] = ()

    def on_start(self):
        own_address(self)
        page = self.client.get("/auth/login", name="/auth/login").text
        token = CSRF.search(page).group(1)
        self.client.post("/auth/login", data={"csrf_token": token, "username": random.choice(self.usernames),
                                              "password": PASSWORD}, name="/auth/login [POST]")
        self.csrf = token
        self.page(self.home)  # signing in starts a new session: its CSRF token is on the next page

    home = "/"

    def page(self, path: str, name: str | None = None, **kwargs):
        response = self.client.get(path, name=name or path, **kwargs)
        found = HX_CSRF.search(response.text or "")
        if found:
            self.csrf = found.group(1)
        return response


class Coordinator(Staff):
    weight = 60
    usernames = ("coordinator", "coordinator2", "coordinator3")
    home = "/grid/"

    @task(5)
    def work_list(self):
        html = self.page("/grid/").text
        self.people = re.findall(r'href="/grid/people/(\d+)"', html) or getattr(self, "people", [])

    @task(3)
    def search(self):
        self.client.post("/grid/", data={"q": random.choice(SEARCHES)}, name="/grid/ [search, htmx]",
                         headers={"HX-Request": "true", "X-CSRFToken": self.csrf})

    @task(4)
    def person(self):
        if getattr(self, "people", None):
            self.page(f"/grid/people/{random.choice(self.people)}", name="/grid/people/[id]")

    @task(1)
    def dwellings(self):
        self.page("/grid/dwellings")

    @task(2)
    def sweep(self):
        html = self.page("/grid/sweep").text
        dwellings = re.findall(r'action="/grid/sweep/(\d+)"', html)
        if dwellings and random.random() < 0.5:
            self.client.post(f"/grid/sweep/{random.choice(dwellings)}", name="/grid/sweep/[id] [visited]",
                             data={"csrf_token": self.csrf, "result": "no_change", "show": "todo"},
                             headers={"HX-Request": "true"})

    @task(1)
    def queue(self):
        self.page("/grid/queue")


class Supervisor(Staff):
    weight = 7
    usernames = ("supervisor",)
    home = "/station/"

    @task(2)
    def overview(self):
        self.page("/station/")

    @task(3)
    def kpi(self):
        self.page("/station/kpi")

    @task(1)
    def quality(self):
        self.page("/station/quality")


class Landlord(Staff):
    weight = 8
    usernames = ("13900000000", "13900000001")
    home = "/landlord/"

    @task(3)
    def home(self):
        html = self.page("/landlord/").text
        self.to_confirm = re.findall(r'action="/landlord/tenancies/(\d+)/confirm"', html)

    @task(1)
    def confirm(self):
        if getattr(self, "to_confirm", None):
            tenancy = self.to_confirm.pop()
            self.client.post(f"/landlord/tenancies/{tenancy}/confirm", data={"csrf_token": self.csrf},
                             name="/landlord/tenancies/[id]/confirm")


class Migrant(HttpUser):
    weight = 25
    wait_time = between(3, 10)

    def on_start(self):
        own_address(self)
        self.card = random.choice(CARDS) if CARDS else None
        self.unlocked = False

    @task(4)
    def open_card(self):
        if not self.card:
            self.client.get("/c", name="/c")
            return
        self.client.get(f"/C/{self.card[0]}", name="/C/[token]")

    @task(2)
    def unlock(self):
        if not self.card or self.unlocked:
            return
        token, last4 = self.card
        self.client.post(f"/c/{token}/unlock", data={"last4": last4}, name="/c/[token]/unlock")
        self.unlocked = True

    @task(1)
    def report_phone(self):
        if not self.unlocked:
            return
        token = self.card[0]
        html = self.client.get(f"/c/{token}", name="/c/[token] (unlocked)").text
        found = CSRF.search(html)
        if found and random.random() < 0.2:
            phone = "139" + "".join(random.choice("0123456789") for _ in range(8))
            self.client.post(f"/c/{token}/report/phone", name="/c/[token]/report/phone",
                             data={"csrf_token": found.group(1), "phone": phone})
