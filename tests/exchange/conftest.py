"""Two real Anju deployments on loopback, each with its own database, served by
werkzeug in threads: county A (南山区, a destination, on a SQLite file of its own) and
county B (西湖区, the origin: the test database, SQLite or ``TEST_DATABASE_URL``)."""
from __future__ import annotations

import base64
import os
import tempfile
import threading
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.models import Area, Peer, Setting, User
from app.services.exchange import signing

from tests.conftest import PASSWORD_HASH, _clean

KEY = "whsec_" + base64.b64encode(b"county-a-and-b-test-key-32-bytes").decode()  # one value however often imported


class Server:
    """A deployment served on a loopback port; ``stop`` and ``start`` it again on the same port."""

    def __init__(self, app, port: int = 0):
        self.app, self.port, self.server, self.thread = app, port, None, None

    def start(self):
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Pair:
    def __init__(self, a, b):
        self.a, self.b = a, b

    @contextmanager
    def at(self, server):
        with server.app.app_context():
            yield
            db.session.remove()


def _identity(code: str, name: str) -> None:
    db.session.add_all([Setting(key="exchange.county_code", value=code), Setting(key="exchange.county_name", value=name)])


def _peer(name, code, url, key=KEY):
    db.session.add(Peer(name=name, code=code, prefixes=code, base_url=url, key=key, active=True))


def destination_areas():
    """County A's tree: 南山区 › 南头街道 (station phone) › 南联社区 › 第1网格, and its coordinator."""
    county = Area(code="440305", name="南山区", level="county", path="/")
    db.session.add(county)
    db.session.flush()
    town = Area(code="440305001", name="南头街道", level="township", parent=county, path=f"/{county.id}/",
                phone="0755-12345678", address="南头街道办事处一楼")
    db.session.add(town)
    db.session.flush()
    comm = Area(code="440305001001", name="南联社区", level="community", parent=town, path=f"{town.path}{town.id}/")
    db.session.add(comm)
    db.session.flush()
    grid = Area(code="N1", name="第1网格", level="grid", parent=comm, path=f"{comm.path}{comm.id}/")
    db.session.add(grid)
    db.session.flush()
    user = User(username="coord_a", name="南山网格员", role="coordinator", grids=[grid], password_hash=PASSWORD_HASH)
    db.session.add(user)
    db.session.commit()
    return grid, user


@pytest.fixture
def pair(app, world):
    """(A, B) servers. B is the session's app with the usual ``world`` (county 330106) as
    the origin; A a second app on its own SQLite file as the destination."""
    tmp = tempfile.TemporaryDirectory()

    class ConfigA(TestConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(tmp.name, "county_a.db")
    app_a = create_app(ConfigA)
    app_a.test_client_class = app.test_client_class
    b = Server(app).start()
    a = Server(app_a).start()
    with app_a.app_context():
        upgrade()
        grid, user = destination_areas()
        _identity("440305", "南山区")
        _peer("西湖区", "330106", b.url)
        db.session.commit()
        a.grid_id, a.user_id = grid.id, user.id
    _identity("330106", "西湖区")
    _peer("南山区", "440305", a.url)
    db.session.commit()
    yield Pair(a, b)
    for server in (a, b):
        try:
            server.stop()
        except Exception:
            pass
    with app_a.app_context():
        db.session.remove()
        db.engine.dispose()
    tmp.cleanup()
    _clean()
