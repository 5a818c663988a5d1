"""Demo data: one county, its townships, communities, grids, dwellings and people.

Reproducible for a given seed, and fast enough for a million people: rows are built in
chunks and written with one bulk statement per chunk (``COPY`` on PostgreSQL).
"""
from __future__ import annotations

import base64
import datetime as dt
import math
import random
from dataclasses import dataclass
from typing import Callable, Iterator

from sqlalchemy import select, text

from ...domain import cards as card_rules
from ...domain import divisions
from ...domain.choices import EDUCATION, ETHNICITIES, EXPECTED_STAY, MARITAL_STATUS, REASONS_FOR_COMING
from ...domain.clock import local_today, utcnow
from ...domain.idcard import make_id_number
from ...extensions import db
from ...models import Area, Card, Dwelling, Landlord, Person, Relation, Role, Tenancy, User
from ..admin import accounts, areas
from ..cards.issuing import code_digest, token_digest
from ..common import audit, bulk
from ..common.context import Actor
from ..registry import departures, registration
from ..registry.people import PERSON_FIELDS
from . import exchange as demo_exchange
from . import figures as demo_figures
from . import health as demo_services
from . import rental as demo_rental

COUNTY = ("330106", "西湖区")
TOWNSHIPS = [("330106002", "北山街道"), ("330106004", "西溪街道"), ("330106005", "翠苑街道"),
             ("330106007", "古荡街道"), ("330106008", "西湖街道"), ("330106009", "留下街道"),
             ("330106010", "转塘街道"), ("330106011", "蒋村街道"), ("330106012", "灵隐街道"),
             ("330106013", "文新街道"), ("330106109", "三墩镇"), ("330106110", "双浦镇")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英文华红玉兰建国志强海燕春梅小红金凤俊杰子涵浩然欣怡梓轩雨涵"
ROADS = "文一路 文二路 文三路 学院路 教工路 古墩路 紫荆花路 天目山路 西溪路 留和路 丰潭路 莫干山路".split()
JOBS = "建筑工人 快递员 外卖骑手 餐饮服务员 保洁员 工厂操作工 销售 司机 个体经营 保姆 厨师 装修工".split()
EMPLOYERS = "城西建设有限公司 顺达快递 美味餐饮店 安心家政服务部 华丰电子厂 四季便利店 个体".split()
PASSWORD = "anju-demo-2026"

CHUNK = 10_000


@dataclass
class DemoUser:
    username: str
    role: str
    name: str


DEMO_USERS = [DemoUser("admin", Role.ADMIN.value, "系统管理员"),
              DemoUser("supervisor", Role.SUPERVISOR.value, "站长 周红"),
              DemoUser("coordinator", Role.COORDINATOR.value, "网格员 李强"),
              DemoUser("coordinator2", Role.COORDINATOR.value, "网格员 王芳"),
              DemoUser("health", Role.HEALTH.value, "卫生服务员 陈静"),
              DemoUser("coordinator3", Role.COORDINATOR.value, "网格员 赵敏")]
# Landlords log in with their phone number (demo landlord n has the phone 139 + n - 1 in 8 digits).
DEMO_LANDLORDS = [DemoUser(f"139{i - 1:08d}", Role.LANDLORD.value, f"房东 {name}") for i, name in demo_rental.LANDLORDS]


def _shape(persons: int) -> tuple[int, int, int]:
    """Townships, communities per township, grids per community for ``persons`` people.

    The small demo is 2 townships, 4 communities, 8 grids; larger runs keep about 500
    people per grid, as real grids are sized.
    """
    grids = max(8, math.ceil(persons / 500))
    townships = max(2, min(len(TOWNSHIPS), grids // 100))
    communities = max(2, math.ceil(grids / townships / 4))
    per_community = max(2, math.ceil(grids / (townships * communities)))
    return townships, communities, per_community


def build_areas(actor: Actor, persons: int) -> list[Area]:
    townships, communities, per_community = _shape(persons)
    county = areas.create(actor, parent_id=None, code=COUNTY[0], name=COUNTY[1], commit=False)
    grids: list[Area] = []
    for t_code, t_name in TOWNSHIPS[:townships]:
        township = areas.create(actor, parent_id=county.id, code=t_code, name=t_name, commit=False,
                                address=f"杭州市西湖区{t_name}便民服务中心一楼", phone="0571-8800" + t_code[-4:],
                                hours="周一至周五 8:30–12:00，13:30–17:00")
        for c in range(1, communities + 1):
            community = areas.create(actor, parent_id=township.id, code=f"{t_code}{c:03d}",
                                     name=f"{ROADS[(c - 1) % len(ROADS)][:2]}{c}社区", commit=False)
            for g in range(1, per_community + 1):
                grids.append(areas.create(actor, parent_id=community.id, code=f"{t_code}{c:03d}-G{g:02d}",
                                          name=f"第{g}网格", commit=False))
    db.session.flush()
    return grids


def _users(actor: Actor, grids: list[Area]) -> None:
    township_1 = grids[0].parent.parent
    township_2 = grids[-1].parent.parent
    for u in DEMO_USERS:
        if u.username == "coordinator":
            scope = {"grid_ids": [g.id for g in grids[:2]]}
        elif u.username == "coordinator2":
            scope = {"grid_ids": [g.id for g in grids if g.parent.parent_id == township_2.id][:2]}
        elif u.username == "coordinator3":  # township 1's next two grids: the supervisor has two coordinators
            scope = {"grid_ids": [g.id for g in grids if g.parent.parent_id == township_1.id][2:4]}
        elif u.role in (Role.SUPERVISOR.value, Role.HEALTH.value):
            scope = {"area_id": township_1.id}
        else:
            scope = {}
        accounts.create_user(actor, username=u.username, name=u.name, role=u.role, password=PASSWORD,
                             phone=f"1390000{len(u.username):04d}", **scope)


def _region_codes(rng: random.Random) -> list[str]:
    """Household places weighted to the usual origins, plus a few retired county codes."""
    current = [d.code for p in ("34", "41", "51", "36", "43", "42", "52", "33")
               for c in divisions.children(p) for d in divisions.children(c.code)]
    return current + ["342101", "412701", "513021"]  # retired: 阜阳地区 阜阳市, 周口地区 周口市, 达县


def _people(rng: random.Random, grids: list[Area], dwellings_by_grid: dict[int, list[int]],
            persons: int, start_id: int, coordinator_ids: dict[int, int]) -> Iterator[tuple[list, list]]:
    """Chunks of (people, relations): each person a dict of ``Person`` columns with
    ``id`` as their number in the demo (the order of the card secrets), relations by
    those numbers."""
    regions = _region_codes(rng)
    today = local_today()
    now = utcnow()
    people, relations = [], []
    used: set[str] = set()
    per_grid = math.ceil(persons / len(grids))
    kids = random.Random(f"children-{rng.random()}")  # children drawn apart: the adults stay as they were
    mother = None
    for i in range(persons):
        pid = start_id + i
        grid = grids[min(i // per_grid, len(grids) - 1)]
        if mother is not None and mother["grid_id"] == grid.id and kids.random() < 0.8:
            people.append(_child(kids, pid, mother, used, today))
            relations.append({"person_id": mother["id"], "relative_id": pid, "relation": "child"})
            mother = mother if kids.random() < 0.3 else None  # sometimes a second child
        else:
            mother = _person(rng, pid, grid, regions, used, today, now, dwellings_by_grid, coordinator_ids, people)
        if len(people) >= CHUNK:
            yield people, relations
            people, relations = [], []
            mother = None  # a child is registered in its mother's chunk (relations name both by id)
    if people:
        yield people, relations


def _person(rng, pid, grid, regions, used, today, now, dwellings_by_grid, coordinator_ids, people) -> dict | None:
    """One adult (appended to ``people``); returns the row if she may be the mother of the next."""
    born = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 50))
    sex = rng.random() < 0.55
    region, sequence = rng.choice(regions), rng.randrange(0, 500) * 2 + (1 if sex else 0)
    number = make_id_number(region, born, sequence)
    while number in used:  # ID numbers are unique: at 1 M people a few dozen draws collide
        sequence = (sequence + 2) % 1000  # the next number of the same sex
        number = make_id_number(region, born, sequence)
    used.add(number)
    arrived = today - dt.timedelta(days=int(rng.expovariate(1 / 400)))
    left = rng.random() < 0.08
    left_on = min(today, arrived + dt.timedelta(days=rng.randrange(1, 300))) if left else None
    dwelling_id = rng.choice(dwellings_by_grid[grid.id])
    collected = dt.datetime.combine(arrived, dt.time(9)) + dt.timedelta(minutes=rng.randrange(0, 600))
    entered = collected + dt.timedelta(hours=rng.choice([1, 2, 5, 20, 30, 50]))
    people.append({
        "id": pid, "id_number": number,
        "name": rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2]))),
        "sex": "M" if sex else "F", "birth_date": born, "ethnicity": "01" if rng.random() < 0.9 else rng.choice(ETHNICITIES)[0],
        "phone": f"1{rng.choice('3578')}{rng.randrange(0, 10**9):09d}",
        "hukou_area_code": demo_figures.household_code(number[:6], pid),
        "hukou_address": f"{rng.randrange(1, 99)}组{rng.randrange(1, 200)}号",
        "marital_status": rng.choice(MARITAL_STATUS[:4])[0], "education": rng.choice(EDUCATION)[0],
        "occupation": rng.choice(JOBS), "reason_for_coming": rng.choice(REASONS_FOR_COMING[:4])[0],
        "arrived_on": arrived, "expected_stay": rng.choice(EXPECTED_STAY)[0], "employer": rng.choice(EMPLOYERS),
        "status": "left" if left else "present", "left_on": left_on, "grid_id": grid.id,
        "dwelling_id": dwelling_id, "room": f"{rng.randrange(1, 6)}0{rng.randrange(1, 9)}",
        "collected_at": collected, "entered_at": min(entered, now), "created_by_id": coordinator_ids.get(grid.id),
    })
    row = people[-1]
    young = dt.date(today.year - 45, 1, 1) <= born <= dt.date(today.year - 20, 12, 31)
    return row if (not left and not sex and row["marital_status"] == "married" and young) else None


def _child(kids: random.Random, pid: int, mother: dict, used: set[str], today: dt.date) -> dict:
    """A child under 7 living with ``mother``; born here, or brought along when she came."""
    born = today - dt.timedelta(days=kids.randrange(0, 7 * 365))
    boy = kids.random() < 0.52
    sequence = kids.randrange(0, 500) * 2 + (1 if boy else 0)
    number = make_id_number(mother["id_number"][:6], born, sequence)
    while number in used:
        sequence = (sequence + 2) % 1000
        number = make_id_number(mother["id_number"][:6], born, sequence)
    used.add(number)
    arrived = max(born, mother["arrived_on"])
    return {**mother, "id": pid, "id_number": number, "birth_date": born, "sex": "M" if boy else "F",
            "name": kids.choice(SURNAMES) + "".join(kids.choice(GIVEN) for _ in range(kids.choice([1, 2]))),
            "phone": None, "marital_status": "single", "education": None, "occupation": None, "employer": None,
            "reason_for_coming": "join_relatives", "arrived_on": arrived, "hukou_address": mother["hukou_address"],
            "collected_at": dt.datetime.combine(arrived, dt.time(10)), "entered_at": mother["entered_at"]}


def card_secrets(seed_value: int, count: int) -> Iterator[tuple[str, str]]:
    """(token, short code) of the demo cards, in person order: the same for the same seed,
    so that benchmarks can open random cards without the secrets being stored."""
    rng = random.Random(f"cards-{seed_value}")
    seen: set[str] = set()
    for _ in range(count):
        token = base64.b32encode(rng.randbytes(card_rules.TOKEN_BYTES)).decode().rstrip("=")
        code = "".join(rng.choice(card_rules.SHORT_CODE_ALPHABET) for _ in range(card_rules.SHORT_CODE_LENGTH))
        while code in seen:
            code = "".join(rng.choice(card_rules.SHORT_CODE_ALPHABET) for _ in range(card_rules.SHORT_CODE_LENGTH))
        seen.add(code)
        yield token, code


def _register(actor: Actor, people: list[dict], relations: list[dict], secrets: Iterator[tuple[str, str]],
              now: dt.datetime) -> None:
    """Register a chunk of the demo's people as the app registers anyone
    (``registration.write``), then write what happened to them since, as the app's
    functions would have: departures, family links, cards printed with the demo's
    reproducible secrets and landlords' confirmations."""
    ids = registration.write(actor, [registration.Arrival(
        person={k: p.get(k) for k in PERSON_FIELDS}, grid_id=p["grid_id"], dwelling_id=p["dwelling_id"],
        room=p["room"], entered_at=p["entered_at"], created_by_id=p["created_by_id"]) for p in people], now=now)
    id_of = {p["id"]: new_id for p, new_id in zip(people, ids)}
    departures.write(actor, [departures.Departure(
        person_id=id_of[p["id"]], on=p["left_on"], grid_id=p["grid_id"], dwelling_id=p["dwelling_id"],
        destination="返回户籍地", reason="return_home") for p in people if p["status"] == "left"], now=now)
    bulk.write(Relation.__table__, [{**r, "person_id": id_of[r["person_id"]], "relative_id": id_of[r["relative_id"]]}
                                    for r in relations])
    cards, confirmed = [], []
    for p in people:
        token, code = next(secrets)
        if p["status"] == "present":
            cards.append({"person_id": id_of[p["id"]], "token_hash": token_digest(token), "code_hash": code_digest(code),
                          "printed_at": demo_figures.printed_at(p["id"], p["entered_at"], now)})
            at = demo_figures.confirmed_at(p["id"], p["arrived_on"], now)
            if at:
                confirmed.append({"person_id": id_of[p["id"]], "confirmed_by_landlord_at": at})
    card = Card.__table__
    bulk.update_from(card, "person_id", cards, card.c.revoked_at.is_(None))
    tenancy = Tenancy.__table__
    bulk.update_from(tenancy, "person_id", confirmed, tenancy.c.end_on.is_(None))


def is_empty() -> bool:
    return db.session.scalar(select(Area.id).limit(1)) is None


def seed(persons: int = 200, seed_value: int = 2026, progress: Callable[[int], None] | None = None) -> dict:
    """Create the demo deployment in an empty database; returns the demo logins."""
    if not is_empty():
        raise RuntimeError("the database already has areas; seed-demo needs an empty database")
    rng = random.Random(seed_value)
    actor = Actor.cli()
    grids = build_areas(actor, persons)
    _users(actor, grids)
    coordinator_ids = {g.id: u.id for u in db.session.scalars(select(User).where(User.role == "coordinator"))
                       for g in u.grids}
    dwellings_by_grid: dict[int, list[int]] = {}
    n_dwellings = max(60, persons * 3 // 10)
    landlord_rows, dwelling_rows = [], []
    registered = utcnow() - dt.timedelta(days=730)  # before every demo month of the sweep
    for i in range(n_dwellings):
        grid = grids[i % len(grids)]
        landlord_rows.append({"id": i + 1, "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                              "phone": f"139{i:08d}", "created_at": utcnow()})
        dwelling_rows.append({"id": i + 1, "grid_id": grid.id, "landlord_id": i + 1, "created_at": registered,
                              "address": f"{rng.choice(ROADS)}{rng.randrange(1, 400)}号{rng.randrange(1, 20)}幢",
                              "kind": "rental" if rng.random() < 0.8 else rng.choice(["dormitory", "site_shed", "relatives"]),
                              "rooms": rng.randrange(1, 12), "version": 1})
        dwellings_by_grid.setdefault(grid.id, []).append(i + 1)
    deferred = _drop_for_bulk_load(BULK_TABLES)
    for start in range(0, n_dwellings, CHUNK):
        bulk.write(Landlord.__table__, landlord_rows[start:start + CHUNK])
        bulk.write(Dwelling.__table__, dwelling_rows[start:start + CHUNK])
    done = 0
    secrets = card_secrets(seed_value, persons)
    now = utcnow()
    for people, relations in _people(rng, grids, dwellings_by_grid, persons, 1, coordinator_ids):
        _register(actor, people, relations, secrets, now)
        done += len(people)
        if progress:
            progress(len(people))
    demo_figures.set_estimates(seed_value)
    _restore_after_bulk_load(deferred)
    _reset_sequences()
    demo_rental.seed(actor, grids, PASSWORD, seed_value)
    demo_figures.add_faulty_records(actor, grids, utcnow())
    _audit_samples(rng, grids)
    demo_exchange.seed(actor, grids, seed_value)
    audit.record(actor, "demo.seed", "deployment", None, None,
                 {"persons": done, "dwellings": n_dwellings, "grids": len(grids), "seed": seed_value})
    db.session.commit()
    demo_services.seed(actor, local_today(), done)
    return {"password": PASSWORD, "users": DEMO_USERS + DEMO_LANDLORDS, "grids": len(grids), "persons": done,
            "dwellings": n_dwellings}


# Tables filled with COPY. On PostgreSQL their foreign keys and secondary indexes are
# dropped for the load and made again afterwards: checking a foreign key row by row and
# updating an index row by row (above all the pg_trgm GIN indexes) cost several times
# more than one validating join and one index build over the loaded rows.
BULK_TABLES = ("landlord", "dwelling", "person", "movement", "tenancy", "card", "audit_log")


def _drop_for_bulk_load(tables: tuple[str, ...]) -> list[str]:
    """Drop the foreign keys of ``tables`` and the indexes that back no constraint;
    return the statements that make them again.

    The definitions come from the catalog (``pg_get_indexdef``, ``pg_get_constraintdef``),
    so what is made again is exactly what the migration made. All of it happens in the
    seed's transaction: a failed seed rolls the drops back too.
    """
    bind = db.session.connection()
    if bind.dialect.name != "postgresql":
        return []
    oids = "(SELECT to_regclass(quote_ident(t)) FROM unnest(CAST(:tables AS text[])) AS t)"
    # Names and definitions below come from the catalog (already quoted), never from input.
    foreign_keys = bind.execute(text(
        "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint "
        f"WHERE contype = 'f' AND conrelid IN {oids}"), {"tables": list(tables)}).all()
    indexes = bind.execute(text(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        f"WHERE i.indrelid IN {oids} "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"),
        {"tables": list(tables)}).all()
    for table, name, _ in foreign_keys:
        bind.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _ in indexes:
        bind.exec_driver_sql(f"DROP INDEX {name}")
    return ([definition for _, definition in indexes]
            + [f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}" for table, name, definition in foreign_keys])


def _restore_after_bulk_load(statements: list[str]) -> None:
    if not statements:
        return
    bind = db.session.connection()
    bind.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
    for statement in statements:
        bind.exec_driver_sql(statement)


def _reset_sequences() -> None:
    """Explicit ids were written; move PostgreSQL's sequences past them."""
    bind = db.session.connection()
    if bind.dialect.name != "postgresql":
        return
    for table in (Landlord.__table__, Dwelling.__table__, Person.__table__, Card.__table__):
        bind.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), COALESCE((SELECT max(id) FROM \"{table.name}\"), 1))")


AUDIT_NOTES = ("电话号码已停机", "已搬走，未登记注销", "房间号与实际不符", "工作单位已变更")


def _audit_samples(rng: random.Random, grids: list[Area]) -> None:
    """Last month's audit of the supervisor's first grids: 20 records each, checked,
    a few failed with a note (the coordinators' fix lists and the audit report)."""
    from ..figures import audit_samples as audits

    supervisor = db.session.scalars(select(User).where(User.username == "supervisor")).one()
    actor = Actor(supervisor.id, "supervisor")
    township = grids[0].parent.parent
    chosen = [g.id for g in grids if g.parent.parent_id == township.id][:4]
    checked_at = utcnow().replace(day=1, hour=2) - dt.timedelta(days=10)  # last month
    for sample in audits.draw(actor, supervisor, chosen, seed=rng.randrange(1, 2**31 - 1)):
        sample.drawn_at = checked_at - dt.timedelta(days=1)
        for item in sample.items:
            failed = rng.random() < 0.1
            item.result, item.note = ("fail", rng.choice(AUDIT_NOTES)) if failed else ("pass", None)
            item.checked_by_id, item.checked_at = supervisor.id, checked_at
    db.session.flush()
