"""The admin's peer directory and identity, bundle files through the command line, and
departures and corrections between the two deployments."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from app.domain.idcard import make_id_number
from app.extensions import db
from app.models import AuditLog, InboxMessage, OutboxMessage, Outflow, Peer, Person, User
from app.services.common.context import Actor
from app.services.exchange import outbox, signing
from app.services.registry import people as people_service
from tests.exchange.test_two_deployments import NUMBER, _away_in_b, _deliver, _register_in_a


def test_admin_sets_identity_and_adds_a_peer_whose_key_is_never_audited(login, world):
    admin = login("admin")
    assert admin.post("/exchange/peers", data={"county_code": "330106", "county_name": "西湖区"}).status_code == 302
    key = signing.new_key()
    bad = admin.post("/exchange/peers/new", data={"name": "南山区", "code": "4403", "prefixes": "44x", "key": "nope"})
    page = bad.data.decode()
    assert bad.status_code == 200 and "6 位" in page and "whsec_" in page and db.session.scalar(select(Peer.id)) is None
    ok = admin.post("/exchange/peers/new", data={"name": "南山区", "code": "440305", "prefixes": "440305，440306",
                                                 "base_url": "https://anju.example.cn/", "key": key, "active": "y"})
    assert ok.status_code == 302
    peer = db.session.scalars(select(Peer)).one()
    assert (peer.prefixes, peer.base_url) == ("440305 440306", "https://anju.example.cn")
    logged = json.dumps([a.after for a in db.session.scalars(select(AuditLog).where(AuditLog.entity == "exchange_peer"))])
    assert key not in logged and key[6:] not in logged
    assert "南山区" in admin.get("/exchange/peers").data.decode()


def test_bundle_files_through_the_command_line(pair, world, app, tmp_path):
    _away_in_b(world)
    _register_in_a(pair)
    out = tmp_path / "a.json"
    with pair.at(pair.a):  # the command runs in the current app's context: A's
        result = pair.a.app.test_cli_runner().invoke(args=["exchange", "export", "--peer", "西湖区", "--out", str(out)])
    assert result.exit_code == 0 and "1 message(s)" in result.output, result.output
    runner_b = app.test_cli_runner()
    first = runner_b.invoke(args=["exchange", "import", str(out)])
    again = runner_b.invoke(args=["exchange", "import", str(out)])
    assert "stored 1, duplicate 0" in first.output and "stored 0, duplicate 1" in again.output
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"\xff\xfe not a bundle")
    refused = runner_b.invoke(args=["exchange", "import", str(junk)])
    assert refused.exit_code != 0 and "不是交换文件" in refused.output
    db.session.expire_all()
    assert db.session.scalars(select(InboxMessage.outcome)).one() == "linked"


def test_a_departure_at_the_destination_reaches_the_origin(pair, world):
    outflow_id = _away_in_b(world)
    _register_in_a(pair)
    _deliver(pair, pair.a)
    with pair.at(pair.a):
        user = db.session.get(User, pair.a.user_id)
        person = db.session.scalars(select(Person)).one()
        people_service.depart(Actor(user.id, user.username), user, person.id, person.version, dt.date.today(),
                              "回老家", "other")
        assert db.session.scalars(select(OutboxMessage.type).where(OutboxMessage.state == "pending")).all() == ["departure"]
    assert _deliver(pair, pair.a)["sent"] == 1
    db.session.expire_all()
    row = db.session.scalars(select(InboxMessage).where(InboxMessage.type == "departure")).one()
    assert (row.outcome, row.grid_id) == ("noted", world.grid_a1.id)
    assert db.session.get(Outflow, outflow_id).confirmed_at is None


def test_a_corrected_id_number_at_the_origin_reaches_the_destination(pair, world, login):
    outflow_id = _away_in_b(world)
    _register_in_a(pair)
    _deliver(pair, pair.a)
    record = db.session.get(Outflow, outflow_id)
    corrected = make_id_number("330106", dt.date(1988, 2, 4), 41)
    response = login("coordinator").post(f"/outflow/{outflow_id}/edit", data={
        "version": record.version, "grid_id": world.grid_a1.id, "id_number": corrected, "name": "王外出",
        "left_on": "2026-02-01", "hukou_1": "44", "hukou_2": "4403", "hukou_3": "440305", "hukou_4": "440305001"})
    assert response.status_code == 302
    assert _deliver(pair, pair.b)["sent"] >= 1
    with pair.at(pair.a):
        row = db.session.scalars(select(InboxMessage).where(InboxMessage.type == "correction")).one()
        assert (row.state, row.about) == ("open", corrected)
        assert json.loads(row.raw)["data"]["old_id_number"] == NUMBER
