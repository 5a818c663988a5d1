"""Several messages in one signed POST (``/exchange/batch``): verified whole before anything
is stored, each inner message stored once by its own id and processed in its own savepoint,
and the sender marks sent only the ids the receiver accepted."""
from __future__ import annotations

import datetime as dt
import json

import requests
from sqlalchemy import func, select

from app.domain.clock import utcnow
from app.domain.idcard import make_id_number
from app.extensions import db
from app.models import AuditLog, InboxMessage, OutboxMessage, Outflow, Peer
from app.services.exchange import handlers, inbox, outbox, signing

from tests.exchange.conftest import KEY
from tests.exchange.test_two_deployments import _away_in_b, _deliver, _register_in_a

NUMBERS = [make_id_number("330106", dt.date(1985, 4, 1), seq) for seq in (11, 12, 13)]  # B's residents


def _three_notices(pair, world) -> list[str]:
    """Three of B's residents away (B's outflow register) and registered in A: three
    notices pending in A's outbox. Their texts, as the sender signs them."""
    for i, number in enumerate(NUMBERS):
        _away_in_b(world, number, f"批量{i}")
        _register_in_a(pair, number, f"批量{i}")
    with pair.at(pair.a):
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [r.type for r in rows] == ["inflow_notice"] * 3
        return [json.dumps(r.body, ensure_ascii=False, sort_keys=True) for r in rows]


def _post_batch(pair, texts: list[str], batch_id: str = "bat_test1", tamper: bool = False) -> requests.Response:
    body = '{"format": "%s", "id": "%s", "messages": [%s]}' % (inbox.BATCH_FORMAT, batch_id, ", ".join(texts))
    headers = signing.headers(KEY, batch_id, body, "440305", utcnow())
    sent = body.replace("批量1", "批量9") if tamper else body
    return requests.post(pair.b.url + "/exchange/batch", data=sent.encode(), headers=headers, timeout=10)


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_tampered_batch_is_refused_whole_and_nothing_stored(pair, world):
    texts = _three_notices(pair, world)
    response = _post_batch(pair, texts, tamper=True)
    assert response.status_code == 401 and response.json()["accepted"] == []
    unknown = requests.post(pair.b.url + "/exchange/batch", data=b"{}", headers={"anju-sender": "999999"}, timeout=5)
    assert unknown.status_code == 401
    assert _count(InboxMessage) == 0
    assert _count(AuditLog, AuditLog.action == "exchange.receive") == 0
    assert _count(Outflow, Outflow.confirmed_at.is_not(None)) == 0


def test_a_batch_delivered_twice_has_one_effect(pair, world):
    texts = _three_notices(pair, world)
    first, second = _post_batch(pair, texts), _post_batch(pair, texts, batch_id="bat_test2")
    assert (first.status_code, second.status_code) == (200, 200)
    ids = [json.loads(t)["id"] for t in texts]
    assert sorted(first.json()["accepted"]) == sorted(ids) and first.json()["stored"] == 3
    assert sorted(second.json()["accepted"]) == sorted(ids) and second.json()["duplicate"] == 3
    assert _count(InboxMessage) == 3
    assert _count(InboxMessage, InboxMessage.outcome == "linked") == 3
    assert _count(AuditLog, AuditLog.action == "outflow.confirm") == 3  # each record confirmed once
    assert _count(OutboxMessage, OutboxMessage.type == "feedback") == 3  # each answered once
    assert _count(AuditLog, AuditLog.action == "exchange.receive") == 3


def test_a_message_whose_processing_fails_is_kept_as_error_and_the_others_processed(pair, world, monkeypatch):
    texts = _three_notices(pair, world)
    original = handlers.HANDLERS["inflow_notice"]

    def failing(actor, row, body):
        original(actor, row, body)  # its effects and its feedback are made, then undone
        if body["data"]["person"]["id_number"] == NUMBERS[1]:
            raise RuntimeError("a fault in this one message")

    monkeypatch.setitem(handlers.HANDLERS, "inflow_notice", failing)
    response = _post_batch(pair, texts)
    assert response.status_code == 200 and len(response.json()["accepted"]) == 3  # stored: the sender is done
    db.session.expire_all()
    rows = {r.about: r for r in db.session.scalars(select(InboxMessage))}
    assert (rows[NUMBERS[1]].state, rows[NUMBERS[1]].outcome) == ("error", None)
    assert "RuntimeError" in rows[NUMBERS[1]].error
    assert [rows[n].state for n in (NUMBERS[0], NUMBERS[2])] == ["processed", "processed"]
    confirmed = set(db.session.scalars(select(Outflow.id_number).where(Outflow.confirmed_at.is_not(None))))
    assert confirmed == {NUMBERS[0], NUMBERS[2]}
    assert set(db.session.scalars(select(OutboxMessage.about).where(OutboxMessage.type == "feedback"))) == \
        {NUMBERS[0], NUMBERS[2]}
    monkeypatch.undo()
    inbox.process(rows[NUMBERS[1]].id)  # ``flask exchange process`` later: the kept message takes effect
    assert _count(Outflow, Outflow.confirmed_at.is_not(None)) == 3
    assert _count(OutboxMessage, OutboxMessage.type == "feedback") == 3


def test_the_sender_delivers_in_one_batch_and_marks_sent_only_the_accepted_ids(pair, world):
    _three_notices(pair, world)
    with pair.at(pair.a):  # a fourth message B cannot take (a type it does not know)
        peer = db.session.scalars(select(Peer)).one()
        odd = outbox.message(peer, "inflow_notice", {"person": {}})
        odd["body"]["type"] = "gossip"
        db.session.execute(OutboxMessage.__table__.insert(), [odd])
        db.session.commit()
    assert _deliver(pair, pair.a) == {"sent": 3, "retry": 1, "failed": 0}
    with pair.at(pair.a):
        states = dict(db.session.execute(select(OutboxMessage.message_id, OutboxMessage.state)).all())
        assert states.pop(odd["message_id"]) == "pending" and set(states.values()) == {"sent"}
        kept = db.session.scalars(select(OutboxMessage).where(OutboxMessage.message_id == odd["message_id"])).one()
        assert "refused" in kept.last_error and "gossip" in kept.last_error and kept.attempts == 1
        assert db.session.scalar(select(func.count()).select_from(AuditLog)
                                 .where(AuditLog.action == "exchange.send")) == 3
    assert _count(InboxMessage) == 3 and _count(InboxMessage, InboxMessage.outcome == "linked") == 3
    assert _count(AuditLog, AuditLog.action == "exchange.receive") == 3


def test_a_batch_over_the_limits_is_413_and_the_sender_falls_back_to_single_messages(pair, world, app):
    texts = _three_notices(pair, world)
    app.config["EXCHANGE_MAX_BATCH_MESSAGES"] = 2  # B's limits (A keeps its own)
    try:
        response = _post_batch(pair, texts)
        assert response.status_code == 413 and "2 messages" in response.json()["reason"]
        assert _count(InboxMessage) == 0
        assert _deliver(pair, pair.a) == {"sent": 3, "retry": 0, "failed": 0}  # one POST each instead
    finally:
        app.config["EXCHANGE_MAX_BATCH_MESSAGES"] = 500
    assert _count(InboxMessage, InboxMessage.outcome == "linked") == 3
    app.config["EXCHANGE_MAX_BATCH_BYTES"] = 1000
    try:
        big = _post_batch(pair, texts, batch_id="bat_big")
        assert big.status_code == 413 and "1000 bytes" in big.json()["reason"]
    finally:
        app.config["EXCHANGE_MAX_BATCH_BYTES"] = 2 * 1024 * 1024


def test_a_malformed_batch_or_inner_message_gets_its_reason(pair, world):
    texts = _three_notices(pair, world)
    not_batch = '{"id": "bat_x", "messages": "no"}'
    response = requests.post(pair.b.url + "/exchange/batch", data=not_batch.encode(),
                             headers=signing.headers(KEY, "bat_x", not_batch, "440305", utcnow()), timeout=5)
    assert response.status_code == 400 and "format" in response.json()["reason"]
    deep = "[" * 100_000 + "]" * 100_000  # signed, but nested deeper than a parser's stack
    response = requests.post(pair.b.url + "/exchange/batch", data=deep.encode(),
                             headers=signing.headers(KEY, "bat_deep", deep, "440305", utcnow()), timeout=5)
    assert response.status_code == 400 and "JSON" in response.json()["reason"]
    odd = json.dumps({"id": "msg_odd", "type": "gossip", "data": {}})
    response = _post_batch(pair, [texts[0], odd, texts[0]])
    answer = response.json()
    assert response.status_code == 200 and answer["refused"] == {"msg_odd": "unknown message type 'gossip'"}
    assert answer["accepted"] == [json.loads(texts[0])["id"]] * 2 and answer["stored"] == 1
    assert _count(InboxMessage) == 1


def test_two_notices_about_one_unknown_person_in_one_batch_make_one_record(pair, world):
    """What a batch reads ahead (the away records) does not outlive the record its first
    notice creates: the second notice finds it."""
    stranger = make_id_number("330106", dt.date(1990, 1, 2), 77)
    with pair.at(pair.a):
        peer = db.session.scalars(select(Peer)).one()
        person = {"id_number": stranger, "name": "李未建", "sex": None, "birth_date": None,
                  "household_code": "330106002"}
        bodies = [outbox.message(peer, "inflow_notice", {"person": person, "since": "2026-03-01", "where": {}})["body"]
                  for _ in range(2)]
    response = _post_batch(pair, [json.dumps(b, ensure_ascii=False, sort_keys=True) for b in bodies])
    assert response.status_code == 200 and response.json()["stored"] == 2
    assert _count(Outflow, Outflow.id_number == stranger) == 1
    outcomes = [db.session.scalar(select(InboxMessage.outcome).where(InboxMessage.message_id == b["id"])) for b in bodies]
    assert outcomes == ["created", "linked"]


def test_due_messages_are_grouped_by_peer_within_the_count_and_byte_limits():
    a, b = Peer(id=1, name="A"), Peer(id=2, name="B")
    rows = [OutboxMessage(peer_id=p.id, peer=p, message_id=f"m{i}", body={"id": f"m{i}", "pad": "x" * 100})
            for i, p in enumerate([a, b, a, a, b, a])]
    batches = outbox._batches(rows, size=2, max_bytes=10_000)
    assert [[r.message_id for r in x.rows] for x in batches] == [["m0", "m2"], ["m1", "m4"], ["m3", "m5"]]
    assert [x.peer.name for x in batches] == ["A", "B", "A"]
    one_each = outbox._batches(rows, size=100, max_bytes=150)  # room for one message a batch
    assert [len(x.rows) for x in one_each] == [1] * 6
    assert all(x.size == len(x.texts[0].encode()) + 2 for x in one_each)
