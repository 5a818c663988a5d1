"""County A (destination) and county B (origin), two real servers on loopback: notices,
feedback, inquiries, retries across a stopped server, bundle files, and refusals."""
from __future__ import annotations

import datetime as dt
import json

import requests
from sqlalchemy import func, select, update

from app.domain.clock import utcnow
from app.domain.idcard import make_id_number
from app.extensions import db
from app.models import AuditLog, InboxMessage, LeftBehind, OutboxMessage, Outflow, Setting, User
from app.services.common.context import Actor
from app.services.exchange import bundle, notify, outbox, signing
from app.services.outflow import register as outflow_register
from app.services.registry import registration

from tests.exchange.conftest import KEY

NUMBER = make_id_number("330106", dt.date(1988, 2, 3), 41)  # a resident of county B
STRANGER = make_id_number("330106", dt.date(1991, 7, 9), 52)  # B's resident, not on B's outflow register


def _away_in_b(world, number=NUMBER, name="王外出"):
    ids = outflow_register.write(Actor.cli(), [{**outflow_register.normalise({
        "id_number": number, "name": name, "left_on": dt.date(2026, 2, 1), "home_contact": "王父",
        "home_phone": "13912345678"}), "grid_id": world.grid_a1.id}])
    db.session.add(LeftBehind(outflow_id=ids[0], grid_id=world.grid_a1.id, kind="child", name="王小宝",
                              birth_date=dt.date(2018, 6, 1), carer="王奶奶"))
    db.session.commit()
    return ids[0]


def _register_in_a(pair, number=NUMBER, name="王外出"):
    with pair.at(pair.a):
        user = db.session.get(User, pair.a.user_id)
        registration.register(Actor(user.id, user.username), user, {
            "id_number": number, "name": name, "hukou_area_code": "330106002", "arrived_on": dt.date(2026, 3, 1)},
            pair.a.grid_id)
        pending = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.type == "inflow_notice", OutboxMessage.state == "pending"))
    return pending


def _deliver(pair, server):
    with pair.at(server):
        return outbox.deliver()


def test_a_registration_in_a_reaches_b_and_b_feedback_reaches_a(pair, world):
    outflow_id = _away_in_b(world)
    assert _register_in_a(pair) == 1
    assert _deliver(pair, pair.a)["sent"] == 1
    db.session.expire_all()
    notice = db.session.scalars(select(InboxMessage)).one()
    assert (notice.type, notice.state, notice.outcome, notice.grid_id) == ("inflow_notice", "processed", "linked",
                                                                          world.grid_a1.id)
    record = db.session.get(Outflow, outflow_id)
    assert record.dest_area_code == "440305001" and record.confirmed_at is not None
    assert "南头街道" in record.dest_address
    assert _deliver(pair, pair.b)["sent"] == 1  # the feedback
    with pair.at(pair.a):
        feedback = db.session.scalars(select(InboxMessage)).one()
        data = json.loads(feedback.raw)["data"]
        assert (feedback.type, feedback.outcome) == ("feedback", "linked")
        assert (data["home_contact"], data["home_phone"], data["left_behind"]) == ("王父", "13912345678", 1)
        sent = db.session.scalars(select(OutboxMessage)).one()
        assert sent.answered_at is not None and feedback.grid_id == pair.a.grid_id
        actions = set(db.session.scalars(select(AuditLog.action)))
        assert {"exchange.queue", "exchange.send", "exchange.receive"} <= actions
    # The notice carries no dwelling, room or phone of the person (docs/exchange.md).
    body = json.loads(notice.raw)
    assert set(body["data"]["person"]) == {"id_number", "name", "sex", "birth_date", "household_code"}
    assert "room" not in notice.raw and "dwelling" not in notice.raw


def test_a_person_b_did_not_know_becomes_a_record_to_review_and_is_answered_from_the_work_page(pair, world, login):
    _register_in_a(pair, STRANGER, "李未建")
    _deliver(pair, pair.a)
    db.session.expire_all()
    notice = db.session.scalars(select(InboxMessage)).one()
    assert (notice.state, notice.outcome) == ("open", "created")
    assert notice.due_on == dt.date.today() + dt.timedelta(days=15) or notice.due_on is not None
    record = db.session.scalars(select(Outflow)).one()
    assert (record.source, record.needs_review, record.name) == ("exchange", True, "李未建")
    page = login("supervisor").get("/exchange/").data.decode()
    assert "流入通报" in page and "已核实，发送反馈" in page
    assert "李未建" in login("supervisor").get("/exchange/quality").data.decode()
    assert "已核实" not in login("coordinator_b").get("/exchange/").data.decode()  # another township's work
    assert login("supervisor").post(f"/exchange/messages/{notice.id}/answer").status_code == 302
    assert _deliver(pair, pair.b)["sent"] == 1
    with pair.at(pair.a):
        assert db.session.scalars(select(InboxMessage.outcome)).one() == "created"


def test_an_inquiry_from_b_is_answered_by_a(pair, world, login):
    outflow_id = _away_in_b(world)
    db.session.execute(update(Outflow).values(dest_area_code="440305001"))
    db.session.commit()
    _register_in_a(pair)
    with pair.at(pair.a):  # A's notice is not delivered yet: the inquiry finds the person anyway
        db.session.execute(update(OutboxMessage).values(state="sent"))
        db.session.commit()
    assert login("coordinator").post(f"/outflow/{outflow_id}/inquire").status_code == 302
    assert _deliver(pair, pair.b)["sent"] == 1
    with pair.at(pair.a):
        inquiry = db.session.scalars(select(InboxMessage)).one()
        assert (inquiry.type, inquiry.outcome) == ("inquiry", "found")
    assert _deliver(pair, pair.a)["sent"] == 1
    db.session.expire_all()
    answer = db.session.scalars(select(InboxMessage)).one()
    assert (answer.type, answer.outcome) == ("inquiry_answer", "found")
    record = db.session.get(Outflow, outflow_id)
    assert record.confirmed_at is not None and record.inquired_at is not None


def test_tampered_wrong_key_and_replayed_messages_are_refused_and_nothing_stored(pair, world):
    url = pair.b.url + "/exchange/inbox"
    body = json.dumps({"id": "msg_x1", "type": "inflow_notice", "from": "440305", "data": {"person": {}}})
    now = utcnow()
    good = signing.headers(KEY, "msg_x1", body, "440305", now)
    tampered = requests.post(url, data=body.replace("440305", "440306").encode(), headers=good, timeout=5)
    wrong = requests.post(url, data=body.encode(), headers=signing.headers(signing.new_key(), "msg_x1", body, "440305", now),
                          timeout=5)
    old = requests.post(url, data=body.encode(),
                        headers=signing.headers(KEY, "msg_x1", body, "440305", now - dt.timedelta(minutes=6)), timeout=5)
    unknown = requests.post(url, data=body.encode(), headers={**good, "anju-sender": "999999"}, timeout=5)
    assert [r.status_code for r in (tampered, wrong, old, unknown)] == [401, 401, 401, 401]
    big = "x" * 70000
    assert requests.post(url, data=big.encode(), headers=signing.headers(KEY, "msg_x2", big, "440305", now),
                         timeout=5).status_code == 413
    bad_json = "{not json"
    response = requests.post(url, data=bad_json.encode(), headers=signing.headers(KEY, "msg_x3", bad_json, "440305", now),
                             timeout=5)
    assert response.status_code == 400 and "JSON" in response.json()["reason"], response.text
    strange = json.dumps({"id": "msg_x4", "type": "gossip", "data": {}})
    response = requests.post(url, data=strange.encode(), headers=signing.headers(KEY, "msg_x4", strange, "440305", now),
                             timeout=5)
    assert response.status_code == 400 and "gossip" in response.json()["reason"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(InboxMessage)) == 0


def test_the_same_message_three_times_has_one_effect(pair, world):
    _register_in_a(pair, STRANGER, "李未建")
    with pair.at(pair.a):
        row = db.session.scalars(select(OutboxMessage)).one()
        text = json.dumps(row.body, ensure_ascii=False, sort_keys=True)
        headers = signing.headers(KEY, row.message_id, text, "440305", utcnow())
    answers = [requests.post(pair.b.url + "/exchange/inbox", data=text.encode(), headers=headers, timeout=5)
               for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert [r.json()["reason"] for r in answers] == ["stored", "duplicate", "duplicate"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(InboxMessage)) == 1
    assert db.session.scalar(select(func.count()).select_from(Outflow)) == 1


def test_b_stopped_while_a_sends_is_retried_and_nothing_lost(pair, world):
    _away_in_b(world)
    pair.b.stop()
    _register_in_a(pair)
    assert _deliver(pair, pair.a) == {"sent": 0, "retry": 1, "failed": 0}
    with pair.at(pair.a):
        row = db.session.scalars(select(OutboxMessage)).one()
        assert (row.state, row.attempts) == ("pending", 1) and "Connection" in row.last_error
        assert row.next_at > utcnow()
        assert outbox.deliver()["sent"] == 0  # not due yet: back-off
        db.session.execute(update(OutboxMessage).values(next_at=utcnow()))
        db.session.commit()
    pair.b.start()
    assert _deliver(pair, pair.a)["sent"] == 1
    db.session.expire_all()
    assert db.session.scalars(select(InboxMessage.outcome)).one() == "linked"


def test_after_the_last_attempt_a_message_is_parked_as_failed_and_retried_by_hand(pair, world, app):
    pair.b.stop()
    _register_in_a(pair)
    with pair.at(pair.a):
        db.session.add(Setting(key="exchange.max_attempts", value=2))
        db.session.commit()
        for _ in range(2):
            db.session.execute(update(OutboxMessage).values(next_at=utcnow()))
            db.session.commit()
            outbox.deliver()
        row = db.session.scalars(select(OutboxMessage)).one()
        assert (row.state, row.attempts) == ("failed", 2)
        assert outbox.retry(Actor.cli(), row.id)
        db.session.refresh(row)
        assert (row.state, row.attempts) == ("pending", 0)
    pair.b.start()
    assert _deliver(pair, pair.a)["sent"] == 1


def test_the_job_delivers_what_a_registration_queued(pair, world):
    from app.services import jobs
    _away_in_b(world)
    _register_in_a(pair)
    with pair.at(pair.a):
        assert jobs.run_pending() >= 1
        assert db.session.scalars(select(OutboxMessage.state)).one() == "sent"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(InboxMessage)) == 1


def test_a_bundle_file_round_trip_gives_the_same_result_as_http(pair, world, tmp_path):
    outflow_id = _away_in_b(world)
    _register_in_a(pair)
    with pair.at(pair.a):
        from app.models import Peer
        data, count = bundle.export(Actor.cli(), db.session.scalars(select(Peer)).one())
        assert count == 1 and db.session.scalars(select(OutboxMessage.state)).one() == "sent"
    first = bundle.load(Actor.cli(), data)
    again = bundle.load(Actor.cli(), data)
    assert (first["stored"], again["stored"], again["duplicate"]) == (1, 0, 1)
    db.session.expire_all()
    assert db.session.scalars(select(InboxMessage.outcome)).one() == "linked"
    assert db.session.get(Outflow, outflow_id).dest_area_code == "440305001"
    forged = data.replace("王外出".encode(), "王假冒".encode())
    assert bundle.load(Actor.cli(), forged)["refused"] == ["bad signature or stale timestamp"]


def test_a_return_recorded_at_the_origin_reaches_the_destination(pair, world, login):
    outflow_id = _away_in_b(world)
    _register_in_a(pair)
    _deliver(pair, pair.a)
    _deliver(pair, pair.b)
    record = db.session.get(Outflow, outflow_id)
    response = login("coordinator").post(f"/outflow/{outflow_id}/return",
                                         data={"version": record.version, "returned_on": dt.date.today().isoformat()})
    assert response.status_code == 302
    assert _deliver(pair, pair.b)["sent"] == 1
    with pair.at(pair.a):
        row = db.session.scalars(select(InboxMessage).where(InboxMessage.type == "return")).one()
        assert (row.state, row.grid_id) == ("open", pair.a.grid_id)
