"""What the card page shows, read in one query (the page is served at high rates).

DESIGN §6 asks the public card page for at least 45 % of the throughput of a bare Flask
"hello" on the same gunicorn, with every card looked up afresh: nothing is cached, so a
revoked card answers 410 on its next request, in every worker. The read is made as
cheap as one query can be (docs/performance.md, "Card page throughput"):

- the statement is built with SQLAlchemy, compiled once per process, and sent straight
  through a DBAPI cursor: no statement construction, cache-key computation or result
  wrapping per request (together they cost more than the query itself);
- on PostgreSQL it runs on connections of its own, in AUTOCOMMIT and prepared: no
  BEGIN/ROLLBACK round trips, and the server keeps the plan (psycopg drops its prepared
  statements at the ROLLBACK that ends every request on the app's own pool). A worker
  keeps one such connection per thread reading cards at the same moment;
- those connections are not pinged before use (a round trip each time); a stale one
  (server restarted, connection cut) fails the read, is thrown away, and the read is
  retried once on a new connection (it is idempotent).

On SQLite (tests, small installs) reads use the app's own engine and pool.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import bindparam, create_engine, select
from sqlalchemy.orm import aliased

from ...extensions import db
from ...models import Area, Card, Dwelling, Person, User, user_grids


@dataclass(frozen=True, slots=True)
class CardView:
    card_id: int
    person_id: int
    revoked: bool
    name: str
    id_number: str | None
    phone: str | None
    present: bool
    address: str | None
    room: str | None
    grid_name: str
    community_name: str | None
    station_name: str | None
    station_address: str | None
    station_phone: str | None
    station_hours: str | None
    coordinator_phone: str | None

    @property
    def gone(self) -> bool:
        """Reissued, revoked, or its holder has left: the card no longer opens anything."""
        return self.revoked or not self.present


_grid, _community, _township = aliased(Area), aliased(Area), aliased(Area)

_coordinator_phone = (
    select(User.phone).join(user_grids, user_grids.c.user_id == User.id)
    .where(user_grids.c.area_id == Person.grid_id, User.active.is_(True), User.phone.is_not(None))
    .order_by(User.id).limit(1).correlate(Person).scalar_subquery()
)

_QUERY = (
    select(Card.id, Card.person_id, Card.revoked_at, Person.name, Person.id_number, Person.phone, Person.status,
           Dwelling.address, Person.room, _grid.name, _community.name, _township.name, _township.address,
           _township.phone, _township.hours, _coordinator_phone)
    .join(Person, Person.id == Card.person_id)
    .join(_grid, _grid.id == Person.grid_id)
    .outerjoin(_community, _community.id == _grid.parent_id)
    .outerjoin(_township, _township.id == _community.parent_id)
    .outerjoin(Dwelling, Dwelling.id == Person.dwelling_id)
)

LOOKUPS = {
    "token_hash": _QUERY.where(Card.token_hash == bindparam("key")),
    "card_id": _QUERY.where(Card.id == bindparam("key")),
}


def _view(row) -> CardView | None:
    if row is None:
        return None
    (card_id, person_id, revoked_at, name, id_number, phone, status, address, room, grid_name,
     community_name, station_name, station_address, station_phone, station_hours, coordinator_phone) = row
    return CardView(card_id, person_id, revoked_at is not None, name, id_number, phone, status == "present",
                    address, room, grid_name, community_name, station_name, station_address, station_phone,
                    station_hours, coordinator_phone)


class CardReader:
    """The lookups of ``LOOKUPS``, compiled once for one engine, run on DBAPI connections."""

    def __init__(self, engine, own_connections: bool, prepare: bool = True):
        self.engine = engine
        self.own_connections = own_connections
        self.idle: list = []  # (connection, cursor) pairs ready for the next read
        self.pid = os.getpid()
        dbapi = engine.dialect.loaded_dbapi
        self.stale_errors = (dbapi.OperationalError, dbapi.InterfaceError)
        self.prepare = {"prepare": prepare} if engine.dialect.name == "postgresql" else {}
        self.statements = {name: self._compile(stmt) for name, stmt in LOOKUPS.items()}

    def _compile(self, statement):
        compiled = statement.compile(dialect=self.engine.dialect)
        fixed = {k: v for k, v in compiled.params.items() if k != "key"}  # e.g. the LIMIT 1
        if compiled.positional:
            order = compiled.positiontup
            return compiled.string, lambda key: tuple(key if k == "key" else fixed[k] for k in order)
        return compiled.string, lambda key: {**fixed, "key": key}

    def one(self, lookup: str, key) -> CardView | None:
        sql, params = self.statements[lookup]
        if not self.own_connections:
            connection = self.engine.raw_connection()  # from the app's pool, and back to it
            try:
                cursor = connection.cursor()
                cursor.execute(sql, params(key))
                return _view(cursor.fetchone())
            finally:
                connection.close()
        if self.pid != os.getpid():  # a forked child: the parent's connections are not ours
            self.idle, self.pid = [], os.getpid()
        for attempt in (1, 2):
            try:
                connection, cursor = self.idle.pop()
            except IndexError:
                connection = self._connect()
                cursor = connection.cursor()
            try:
                cursor.execute(sql, params(key), **self.prepare)
                row = cursor.fetchone()
            except self.stale_errors:
                _close(connection)
                if attempt == 2:
                    raise
                continue
            except BaseException:
                _close(connection)
                raise
            self.idle.append((connection, cursor))
            return _view(row)
        raise AssertionError("not reached")

    def _connect(self):
        pooled = self.engine.raw_connection()
        pooled.detach()  # the engine only made it; the reader keeps it
        connection = pooled.dbapi_connection
        connection.autocommit = True  # one statement per read: no transaction to end
        return connection


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - it is being thrown away anyway
        pass


_lock = threading.Lock()


def reader(app: Flask | None = None) -> CardReader:
    """The app's card reader, made on first use."""
    app = app or current_app._get_current_object()
    found = app.extensions.get("anju.card_reader")
    if found is None:
        with _lock, app.app_context():
            found = app.extensions.get("anju.card_reader") or _make_reader(app)
            app.extensions["anju.card_reader"] = found
    return found


def _make_reader(app: Flask) -> CardReader:
    main = db.engine
    if main.dialect.name != "postgresql":
        return CardReader(main, own_connections=False)
    options = {k: v for k, v in app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).items()
               if k not in ("pool_pre_ping", "isolation_level", "pool_reset_on_return")}
    # Only a connection factory: the reader keeps the connections it makes.
    engine = create_engine(main.url, isolation_level="AUTOCOMMIT", pool_pre_ping=False, **options)
    # Behind PgBouncer (transaction pooling) nothing may be prepared: see create_app.
    return CardReader(engine, own_connections=True, prepare=app.config.get("DATABASE_PREPARED_STATEMENTS", True))


def by_token_hash(token_hash: str) -> CardView | None:
    return reader().one("token_hash", token_hash)


def by_card_id(card_id: int) -> CardView | None:
    return reader().one("card_id", card_id)
