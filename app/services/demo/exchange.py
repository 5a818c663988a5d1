"""The demo county as an origin: residents who left (some with children and elderly at
home, one back already, one learned from a destination's notice), a peer county, and
exchange messages in every state, so that every outflow and 协查 page has something."""
from __future__ import annotations

import base64
import datetime as dt
import json
import random

from ...domain.clock import local_today, utcnow
from ...domain.idcard import make_id_number
from ...extensions import db
from ...models import Area, InboxMessage, LeftBehind, Outflow, OutboxMessage, Peer, Setting
from ..common.context import Actor
from ..exchange import outbox
from ..outflow import register

PEER = ("深圳市南山区", "440305")
DESTINATIONS = ["440305001", "440305002", "440305004", "330102001", "310115004", "320505001"]
OCCUPATIONS = ["建筑工", "电子厂操作工", "快递员", "厨师", "保洁员", None]
CHILDREN = ["小宝", "小雨", "乐乐", "天天", "朵朵", "豆豆"]


def seed(actor: Actor, grids: list[Area], seed_value: int) -> None:
    rng = random.Random(seed_value + 15)
    today = local_today()
    db.session.add_all([Setting(key="exchange.county_code", value="330106"),
                        Setting(key="exchange.county_name", value="西湖区")])
    key = "whsec_" + base64.b64encode(rng.randbytes(32)).decode()
    peer = Peer(name=PEER[0], code=PEER[1], prefixes=PEER[1], base_url=None, key=key, active=True)
    db.session.add(peer)
    db.session.flush()
    home = grids[:2]  # the demo coordinator's grids
    rows = []
    for i in range(12):
        born = dt.date(1975 + rng.randrange(25), rng.randrange(1, 13), rng.randrange(1, 28))
        rows.append({**register.normalise({
            "id_number": make_id_number("330106", born, 700 + i), "name": rng.choice("王李张刘陈杨") + rng.choice("建国志强海燕春梅秀英") ,
            "left_on": today - dt.timedelta(days=rng.randrange(30, 900)),
            "dest_area_code": DESTINATIONS[i % len(DESTINATIONS)] if i % 5 else DESTINATIONS[0][:6],
            "dest_address": "工业园区宿舍" if i % 3 == 0 else None,
            "reason": "work" if i % 4 else "business", "occupation": OCCUPATIONS[i % len(OCCUPATIONS)],
            "phone": f"1380000{i:04d}" if i % 6 else None, "home_contact": "家属" + str(i + 1),
            "home_phone": f"1390001{i:04d}"}, today), "grid_id": home[i % 2].id})
    ids = register.write(actor, rows)
    for n, outflow_id in enumerate(ids[:6]):
        db.session.add(LeftBehind(outflow_id=outflow_id, grid_id=rows[n]["grid_id"], kind="child",
                                  name=rows[n]["name"][0] + CHILDREN[n], birth_date=today - dt.timedelta(days=365 * (4 + n)),
                                  relation="child", carer="祖母", carer_phone=f"1370000{n:04d}"))
    for n, outflow_id in enumerate(ids[2:5]):
        db.session.add(LeftBehind(outflow_id=outflow_id, grid_id=rows[n + 2]["grid_id"], kind="elderly",
                                  name=rows[n + 2]["name"][0] + "老伯", birth_date=today - dt.timedelta(days=365 * (68 + n)),
                                  relation="parent", carer="邻居", carer_phone=f"1360000{n:04d}"))
    db.session.flush()
    returned = db.session.get(Outflow, ids[11])
    returned.status, returned.returned_on = "returned", today - dt.timedelta(days=10)
    _messages(actor, peer, rows, ids, home, today)


def _inbox(peer, type_, data, *, about, grid_id, state, outcome, received, due_on=None, answered=None, reply_to=None):
    message = outbox.message(peer, type_, data, reply_to=reply_to, now=received)
    message["body"]["from"], message["body"]["from_name"] = PEER[1], PEER[0]
    db.session.add(InboxMessage(peer_id=peer.id, message_id=message["message_id"], type=type_,
                                raw=json.dumps(message["body"], ensure_ascii=False), received_at=received, via="bundle",
                                state=state, outcome=outcome, grid_id=grid_id, about=about, due_on=due_on,
                                answered_at=answered))


def _messages(actor, peer, rows, ids, home, today) -> None:
    now = utcnow()
    where = {"area_code": "440305001", "township": "南头街道", "county": PEER[0], "station_phone": "0755-26660000"}
    for n, (state, outcome, age, answered) in enumerate([("processed", "linked", 20, True), ("processed", "linked", 3, True),
                                                         ("open", "created", 25, False), ("open", "created", 2, False)]):
        row = rows[n]
        received = now - dt.timedelta(days=age)
        _inbox(peer, "inflow_notice", {"person": {"id_number": row["id_number"], "name": row["name"]},
                                       "since": (today - dt.timedelta(days=age + 5)).isoformat(), "where": where},
               about=row["id_number"], grid_id=row["grid_id"], state=state, outcome=outcome, received=received,
               due_on=(received + dt.timedelta(days=15)).date(), answered=received + dt.timedelta(days=1) if answered else None)
        if outcome == "created":
            record = db.session.get(Outflow, ids[n])
            record.source, record.needs_review = "exchange", True
    _inbox(peer, "inquiry_answer", {"found": True, "where": where}, about=rows[4]["id_number"], grid_id=rows[4]["grid_id"],
           state="processed", outcome="found", received=now - dt.timedelta(days=6))
    _inbox(peer, "inquiry_answer", {"found": False}, about=rows[5]["id_number"], grid_id=rows[5]["grid_id"],
           state="processed", outcome="not_found", received=now - dt.timedelta(days=4))
    _inbox(peer, "departure", {"person": {"id_number": rows[6]["id_number"], "name": rows[6]["name"]},
                               "left_on": (today - dt.timedelta(days=8)).isoformat()},
           about=rows[6]["id_number"], grid_id=rows[6]["grid_id"], state="processed", outcome="noted",
           received=now - dt.timedelta(days=7))
    for n, outflow_id in enumerate(ids[4:6]):
        db.session.get(Outflow, outflow_id).inquired_at = now - dt.timedelta(days=8)
    db.session.get(Outflow, ids[4]).confirmed_at = now - dt.timedelta(days=6)
    # Sent by us: an inquiry waiting for its answer, one delivered and answered, one that failed.
    sent = [outbox.message(peer, "inquiry", {"person": {"id_number": rows[k]["id_number"], "name": rows[k]["name"]}},
                           grid_id=rows[k]["grid_id"], about=rows[k]["id_number"]) for k in (7, 8, 9)]
    sent[1].update(state="sent", sent_at=now - dt.timedelta(days=2), attempts=1, answered_at=now - dt.timedelta(days=1))
    sent[2].update(state="failed", attempts=8, last_error="ConnectionError: connection refused")
    db.session.add_all([OutboxMessage(**row) for row in sent])
    db.session.flush()
