"""Shared fixtures: the app on SQLite (or ``TEST_DATABASE_URL``), a small deployment,
and a logged-in client per role."""
from __future__ import annotations

import datetime as dt
import os
import tempfile
import time

import pytest
from flask.testing import FlaskClient
from hypothesis import settings
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from werkzeug.security import generate_password_hash

from app import create_app
from app.config import TestConfig
from app.domain.idcard import make_id_number
from app.extensions import db
from app.models import Area, Dwelling, Landlord, Person, User

# Property tests and fuzzers: no per-example deadline (the machine is shared, timings wander);
# HYPOTHESIS_PROFILE=thorough for ten times the examples.
settings.register_profile("ci", deadline=None, max_examples=100)
settings.register_profile("thorough", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PASSWORD = "correct-horse-9"
# Hashed once: the default scrypt costs ~50 ms and every test makes several users.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def _database_url(tmp_dir: str) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    return url if url else "sqlite:///" + os.path.join(tmp_dir, "test.db")


class Client(FlaskClient):
    """Each request in an app context of its own, as in production.

    Tests hold an app context to query the database; without this, requests would
    reuse it and share ``g`` (Flask-Login caches the current user there).
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app():
    with tempfile.TemporaryDirectory() as tmp:
        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = _database_url(tmp)

        app = create_app(Config)
        app.test_client_class = Client
        assert app.config["SQLALCHEMY_DATABASE_URI"] == Config.SQLALCHEMY_DATABASE_URI
        with app.app_context():
            _reset_schema()
            upgrade()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _reset_schema():
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _clean():
    # The test's own session must not hold locks that TRUNCATE waits for (PostgreSQL).
    db.session.rollback()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    for attempt in range(1, 6):
        try:
            with db.engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
                else:
                    for t in tables:
                        conn.execute(text(f'DELETE FROM "{t}"'))
            return
        except OperationalError:
            # A browser test's live server may still be answering a page's last background
            # request: PostgreSQL can pick the TRUNCATE as a deadlock's victim. Once more.
            if attempt == 5:
                raise
            time.sleep(0.5 * attempt)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()
        _clean()


class World:
    """A county with two townships: A (grids A1, A2) and B (grid B1), users for each role."""

    def __init__(self):
        self.county = self.area("330106", "西湖区", "county", None)
        self.town_a = self.area("330106002", "北山街道", "township", self.county)
        self.town_b = self.area("330106004", "西溪街道", "township", self.county)
        self.comm_a = self.area("330106002001", "文一社区", "community", self.town_a)
        self.comm_b = self.area("330106004001", "留下社区", "community", self.town_b)
        self.grid_a1 = self.area("A1", "第1网格", "grid", self.comm_a)
        self.grid_a2 = self.area("A2", "第2网格", "grid", self.comm_a)
        self.grid_b1 = self.area("B1", "第1网格", "grid", self.comm_b)
        self.users = {
            "admin": self.user("admin", "admin"),
            "supervisor": self.user("supervisor", "supervisor", area=self.town_a),
            "coordinator": self.user("coordinator", "coordinator", grids=[self.grid_a1]),
            "coordinator_b": self.user("coordinator_b", "coordinator", grids=[self.grid_b1]),
            "health": self.user("health", "health", area=self.town_a),
        }
        self.dwelling_a1 = self.dwelling(self.grid_a1, "文一路 1 号")
        self.dwelling_b1 = self.dwelling(self.grid_b1, "留和路 9 号")
        # Landlords of those dwellings, with accounts (real ones log in with their phone number).
        self.users["landlord"] = self.landlord_user("landlord", self.dwelling_a1.landlord)
        self.users["landlord_b"] = self.landlord_user("landlord_b", self.dwelling_b1.landlord)
        db.session.commit()

    def area(self, code, name, level, parent):
        path = "/" if parent is None else f"{parent.path}{parent.id}/"
        a = Area(code=code, name=name, level=level, parent=parent, path=path)
        db.session.add(a)
        db.session.flush()
        return a

    def user(self, username, role, area=None, grids=()):
        u = User(username=username, name=username.title(), role=role, area=area, grids=list(grids),
                 password_hash=PASSWORD_HASH)
        db.session.add(u)
        db.session.flush()
        return u

    def landlord_user(self, username, landlord):
        u = User(username=username, name=landlord.name, phone=landlord.phone, role="landlord",
                 landlord_id=landlord.id, password_hash=PASSWORD_HASH)
        db.session.add(u)
        db.session.flush()
        return u

    def dwelling(self, grid, address):
        landlord = Landlord(name="房东" + address[:2], phone=f"1390000{grid.id:04d}")
        d = Dwelling(grid_id=grid.id, address=address, kind="rental", rooms=4, landlord=landlord)
        db.session.add(d)
        db.session.flush()
        return d

    def person(self, name="张三", grid=None, born=dt.date(1990, 5, 17), seq=1, dwelling=None, **extra):
        """A person registered directly (no audit): the state tests start from."""
        grid = grid or self.grid_a1
        if dwelling is None and grid is self.grid_a1:
            dwelling = self.dwelling_a1
        number = extra.pop("id_number", None) or make_id_number("342101", born, seq)
        fields = dict(id_number=number, name=name, sex="M" if int(number[16]) % 2 else "F", birth_date=born,
                      grid_id=grid.id, status="present", arrived_on=dt.date(2026, 1, 10),
                      dwelling_id=dwelling.id if dwelling else None)
        fields.update(extra)
        p = Person(**fields)
        db.session.add(p)
        db.session.commit()
        return p


@pytest.fixture
def world(ctx):
    return World()


@pytest.fixture
def client(app, ctx):
    return app.test_client()


@pytest.fixture
def login(app, world):
    """``login("coordinator")`` returns a test client signed in as that demo user."""

    def make(username: str):
        c = app.test_client()
        response = c.post("/auth/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.data.decode()[:500]
        return c

    return make


def make_valid_id(born=dt.date(1992, 3, 4), seq=123, region="110101") -> str:
    return make_id_number(region, born, seq)


@pytest.fixture
def services(world):
    """The shipped service types installed (``flask install-service-types``): code → type."""
    from app.models import ServiceType
    from app.services.common.context import Actor
    from app.services.health import service_types

    service_types.install_defaults(Actor.cli())
    return {t.code: t for t in db.session.scalars(db.select(ServiceType))}


@pytest.fixture
def api_token(world):
    """``api_token(access="read", areas=None, full_id_numbers=False)``: the headers of a new
    integration token for the JSON API (township A by default)."""
    from app.services.common.context import Actor
    from app.services.integration import tokens

    def make(access="read", areas=None, full_id_numbers=False, name="卫健系统"):
        _token, secret = tokens.create(Actor.cli(), name=name, access=access,
                                       area_ids=[a.id for a in areas or [world.town_a]],
                                       full_id_numbers=full_id_numbers)
        return {"Authorization": f"Bearer {secret}"}

    return make


@pytest.fixture
def app_with(app):
    """``app_with(**settings)``: another app on the test database with these settings
    (e.g. behind a proxy, with Redis); its connections are closed at the end."""
    made = []

    def make(**settings):
        config = type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                                                 **settings})
        other = create_app(config)
        other.test_client_class = app.test_client_class
        made.append(other)
        return other
    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
