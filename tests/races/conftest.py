"""Races against a real server: gunicorn with two workers on the test database (SQLite or
PostgreSQL), hit by threads released together, as two people pressing save at one moment."""
from __future__ import annotations

import threading

import pytest

from tests.ops.conftest import Browser, app_server  # noqa: F401  (app_server: a fixture used here)
from tests.conftest import PASSWORD


@pytest.fixture(scope="module")
def server(app, app_server):
    """The base URL of a two-worker gunicorn on the test database."""
    return app_server(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"])


@pytest.fixture
def signed_in(server, world):
    """``signed_in("coordinator")``: a signed-in client with cookies of its own."""

    def make(username: str) -> Browser:
        b = Browser(server)
        assert b.log_in(username, PASSWORD).status_code == 302
        return b
    return make


def at_once(*calls):
    """Run the calls in threads released by one barrier; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001  (the test reports it)
            results[i] = exc
    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results
