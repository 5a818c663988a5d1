"""The migrant's card page in each state: public, unlocked, locked out, revoked, unknown."""
import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.domain.clock import local_today, utcnow
from app.extensions import db
from app.models import AuditLog, Card, ChangeRequest, Person, UnlockAttempt
from app.domain import cards as rules
from app.services.cards import issuing as cards
from app.services.common.context import Actor


@pytest.fixture
def carded(world):
    """A person with a card whose secrets we know."""
    world.town_a.address, world.town_a.phone, world.town_a.hours = "文一路 100 号", "0571-88001234", "周一至周五"
    world.users["coordinator"].phone = "13900001111"
    person = world.person("张小明", seq=3, phone="13812345678")
    issued = cards._new(Actor.cli(), person)
    db.session.commit()
    return person, issued


def test_public_page_shows_station_and_masked_name_only(client, carded):
    person, issued = carded
    r = client.get(f"/c/{issued.token}")
    html = r.data.decode()
    assert r.status_code == 200
    assert "张*明" in html and "张小明" not in html
    assert "0571-88001234" in html and "文一路 100 号" in html and "13900001111" in html
    assert person.id_number not in html and "13812345678" not in html
    assert r.headers["X-Robots-Tag"].startswith("noindex") and 'name="robots" content="noindex' in html
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]


def test_upper_case_url_from_the_qr_code_works(client, carded):
    _, issued = carded
    assert client.get(f"/C/{issued.token.upper()}").status_code == 200
    assert client.get(f"/c/{issued.token.lower()}").status_code == 200


def test_unlock_with_the_last_four_characters(client, carded):
    person, issued = carded
    r = client.post(f"/c/{issued.token}/unlock", data={"last4": person.id_number[-4:].lower()})
    assert r.status_code == 302
    html = client.get(f"/c/{issued.token}").data.decode()
    assert "张小明" in html and "文一路 1 号" in html
    assert person.id_number not in html and person.id_number[:6] + "********" + person.id_number[-4:] in html
    assert "我搬家了" in html
    r = client.get(f"/c/{issued.token}")
    assert "no-store" in r.headers["Cache-Control"] and "X-Card-Offline" not in r.headers


def test_unlock_is_for_that_card_only(client, carded, world):
    person, issued = carded
    other = world.person("李四", seq=4)
    other_card = cards._new(Actor.cli(), other)
    db.session.commit()
    client.post(f"/c/{issued.token}/unlock", data={"last4": person.id_number[-4:]})
    assert "李四" not in client.get(f"/c/{other_card.token}").data.decode()


def test_wrong_answer_then_lockout_with_a_time(client, carded):
    person, issued = carded
    html = client.post(f"/c/{issued.token}/unlock", data={"last4": "0000"}).data.decode()
    assert "后 4 位不正确" in html
    for _ in range(3):
        client.post(f"/c/{issued.token}/unlock", data={"last4": "0000"})
    r = client.post(f"/c/{issued.token}/unlock", data={"last4": "0000"})
    assert r.status_code == 429 and re.search(r"请于 \d\d:\d\d 后再试", r.data.decode())
    # even the right answer is refused while locked
    r = client.post(f"/c/{issued.token}/unlock", data={"last4": person.id_number[-4:]})
    assert r.status_code == 429
    # after the window the right answer works again
    for attempt in db.session.scalars(select(UnlockAttempt)):
        attempt.at = utcnow() - dt.timedelta(minutes=16)
    db.session.commit()
    assert client.post(f"/c/{issued.token}/unlock", data={"last4": person.id_number[-4:]}).status_code == 302


def test_one_persons_wrong_tries_do_not_lock_other_cards_behind_the_same_address(client, carded, world):
    """Issue 14.1: five wrong tries on card A, then the right answer on card B from the same
    address (a station's Wi-Fi) opened nothing: "尝试次数过多". Only card A is locked."""
    _, issued = carded
    other = world.person("李四", seq=4)
    other_card = cards._new(Actor.cli(), other)
    db.session.commit()
    for _ in range(5):
        client.post(f"/c/{issued.token}/unlock", data={"last4": "0000"})
    assert client.post(f"/c/{issued.token}/unlock", data={"last4": "0000"}).status_code == 429
    r = client.post(f"/c/{other_card.token}/unlock", data={"last4": other.id_number[-4:]})
    assert r.status_code == 302


def test_failures_on_many_cards_from_one_address_stop_it_scanning(client, carded, world):
    person, issued = carded
    others = []
    for seq in range(10, 10 + rules.UNLOCK_IP_MAX_CARDS):
        p = world.person(f"王{seq}", seq=seq)
        others.append(cards._new(Actor.cli(), p))
    db.session.commit()
    for card in others:
        r = client.post(f"/c/{card.token}/unlock", data={"last4": "0000"})
    assert r.status_code == 429 and "还需约 60 分钟" in r.text
    r = client.post(f"/c/{issued.token}/unlock", data={"last4": person.id_number[-4:]})
    assert r.status_code == 429  # this address is stopped for the hour
    other_address = {"REMOTE_ADDR": "10.9.9.9"}
    assert client.post(f"/c/{issued.token}/unlock", data={"last4": person.id_number[-4:]},
                       environ_base=other_address).status_code == 302


def test_the_lockout_says_how_many_minutes_remain(client, carded):
    _, issued = carded
    for _ in range(5):
        r = client.post(f"/c/{issued.token}/unlock", data={"last4": "0000"})
    assert r.status_code == 429 and "还需约 15 分钟" in r.text


def test_unlock_expires_after_fifteen_minutes(client, carded):
    person, issued = carded
    client.post(f"/c/{issued.token}/unlock", data={"last4": person.id_number[-4:]})
    with client.session_transaction() as s:
        s["unlocked"] = {k: v - 16 * 60 for k, v in s["unlocked"].items()}
    assert "张小明" not in client.get(f"/c/{issued.token}").data.decode()


def test_unknown_card_is_a_friendly_404(client, world):
    r = client.get("/c/" + "A" * 28)
    assert r.status_code == 404 and "未找到此联系卡" in r.data.decode()
    assert client.get("/c/x").status_code == 404


def test_revoked_card_is_410_with_the_station_contact(client, carded, login):
    person, issued = carded
    login("coordinator").post(f"/grid/people/{person.id}/card/revoke")
    r = client.get(f"/c/{issued.token}")
    assert r.status_code == 410 and "已停用" in r.data.decode() and "0571-88001234" in r.data.decode()


def test_reissue_stops_the_old_card_at_once(client, carded, login):
    person, issued = carded
    r = login("coordinator").post(f"/grid/people/{person.id}/card/reissue")
    assert r.status_code == 200 and "data:image/svg+xml;base64," in r.data.decode()
    assert client.get(f"/c/{issued.token}").status_code == 410
    assert len(db.session.scalars(select(Card).where(Card.person_id == person.id, Card.revoked_at.is_(None))).all()) == 1


def test_departure_revokes_the_card(client, carded, login):
    person, issued = carded
    login("coordinator").post(f"/grid/people/{person.id}/depart",
                              data={"version": str(person.version), "on": local_today().isoformat(), "reason": "other"})
    assert client.get(f"/c/{issued.token}").status_code == 410


def test_short_code_entry(client, carded):
    person, issued = carded
    code = issued.short_code
    r = client.post("/c", data={"code": f" {code[:4].lower()}-{code[4:]} "})
    assert r.status_code == 302 and r.headers["Location"].endswith("/c/open")
    assert "张*明" in client.get("/c/open").data.decode()
    client.post("/c/open/unlock", data={"last4": person.id_number[-4:]})
    assert "张小明" in client.get("/c/open").data.decode()
    html = client.post("/c", data={"code": "ZZZZZZZZ"}).data.decode()
    assert "没有找到这张联系卡" in html


def test_open_without_a_code_is_404(client, world):
    assert client.get("/c/open").status_code == 404


def _unlock(client, person, issued):
    client.post(f"/c/{issued.token}/unlock", data={"last4": person.id_number[-4:]})


def test_report_requires_unlock(client, carded):
    _, issued = carded
    r = client.post(f"/c/{issued.token}/report/phone", data={"phone": "13700001111"})
    assert r.status_code == 302
    assert db.session.scalar(select(ChangeRequest.id)) is None


def test_report_a_new_address_and_see_its_state(client, carded, login):
    person, issued = carded
    _unlock(client, person, issued)
    r = client.post(f"/c/{issued.token}/report/address",
                    data={"address": "学院路 5 号 101", "on": local_today().isoformat(), "phone": ""})
    assert r.status_code == 302
    change = db.session.scalars(select(ChangeRequest)).one()
    assert change.source == "migrant" and change.kind == "address" and change.grid_id == person.grid_id
    assert "已提交，待审核" in client.get(f"/c/{issued.token}").data.decode()
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "report.submit")).one().actor == "card"
    # a second address report while one is pending is refused with a message
    html = client.post(f"/c/{issued.token}/report/address",
                       data={"address": "别处", "on": local_today().isoformat()}).data.decode()
    assert "正在等待审核" in html


def test_report_validation_keeps_input(client, carded):
    person, issued = carded
    _unlock(client, person, issued)
    html = client.post(f"/c/{issued.token}/report/address",
                       data={"address": "学院路 5 号", "on": "2999-01-01", "phone": "123"}).data.decode()
    assert "日期不能在未来" in html and "学院路 5 号" in html and "手机号码应为 11 位" in html


def test_coordinator_accepts_an_address_report(client, carded, login):
    person, issued = carded
    _unlock(client, person, issued)
    client.post(f"/c/{issued.token}/report/address",
                data={"address": "学院路 5 号 101", "on": local_today().isoformat(), "phone": "13700002222"})
    change = db.session.scalars(select(ChangeRequest)).one()
    c = login("coordinator")
    queue = c.get("/grid/queue").data.decode()
    assert "学院路 5 号 101" in queue and "文一路 1 号" in queue  # before and after
    review = c.get(f"/grid/queue/{change.id}").data.decode()
    assert 'value="学院路 5 号 101"' in review and f'value="{local_today().isoformat()}"' in review
    r = c.post(f"/grid/queue/{change.id}/accept", data={"on": local_today().isoformat(), "address": "学院路 5 号 101",
                                                        "grid_id": str(world_grid(person)), "phone": "13700002222"})
    assert r.status_code == 302, r.data.decode()[-2000:]
    db.session.expire_all()
    moved = db.session.get(Person, person.id)
    assert moved.dwelling.address == "学院路 5 号 101" and moved.phone == "13700002222"
    assert "已受理" in client.get(f"/c/{issued.token}").data.decode()
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"person.move", "review.accept", "person.update"} <= actions


def world_grid(person):
    return person.grid_id


def test_coordinator_rejects_with_a_reason_the_migrant_sees(client, carded, login):
    person, issued = carded
    _unlock(client, person, issued)
    client.post(f"/c/{issued.token}/report/phone", data={"phone": "13700001111"})
    change = db.session.scalars(select(ChangeRequest)).one()
    login("coordinator").post(f"/grid/queue/{change.id}/reject", data={"reason": "号码无法接通，请到站核实"})
    html = client.get(f"/c/{issued.token}").data.decode()
    assert "未通过" in html and "号码无法接通" in html


def test_departure_report_accepted_deregisters(client, carded, login):
    person, issued = carded
    _unlock(client, person, issued)
    client.post(f"/c/{issued.token}/report/departure",
                data={"on": local_today().isoformat(), "destination": "安徽阜阳", "reason": "return_home"})
    change = db.session.scalars(select(ChangeRequest)).one()
    assert login("coordinator").post(f"/grid/queue/{change.id}/accept", data={}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).status == "left"
    assert client.get(f"/c/{issued.token}").status_code == 410


def test_forward_to_the_grid_moved_into(client, carded, login, world):
    person, issued = carded
    _unlock(client, person, issued)
    client.post(f"/c/{issued.token}/report/address", data={"address": "留和路 1 号", "on": local_today().isoformat()})
    change = db.session.scalars(select(ChangeRequest)).one()
    login("coordinator").post(f"/grid/queue/{change.id}/forward", data={"grid_id": str(world.grid_b1.id)})
    b = login("coordinator_b")
    assert "留和路 1 号" in b.get("/grid/queue").data.decode()
    r = b.post(f"/grid/queue/{change.id}/accept", data={"address": "留和路 1 号", "on": local_today().isoformat(),
                                                        "grid_id": str(world.grid_b1.id)})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).grid_id == world.grid_b1.id


def test_print_batch_for_a_grid(login, world):
    c = login("coordinator")
    for i in range(12):
        c.post("/grid/people/new", data={"id_number": __import__("tests.conftest", fromlist=["x"]).make_valid_id(seq=400 + i),
                                         "name": f"卡{i:02d}", "ethnicity": "01", "grid_id": str(world.grid_a1.id),
                                         "arrived_on": "2026-11-01"})
    assert "待打印 12 张" in c.get("/grid/cards").data.decode()
    html = c.post("/grid/cards/print", data={"grid_id": str(world.grid_a1.id)}).data.decode()
    assert html.count('class="qr"') == 12 and html.count('class="sheet front"') == 2
    assert "卡*1" in html or "卡0" not in html
    assert "待打印 0 张" in c.get("/grid/cards").data.decode()
    # each printed code opens its card
    code = re.search(r'class="code">([A-Z2-9]{4}-[A-Z2-9]{4})<', html).group(1)
    anon = c.application.test_client()
    assert anon.post("/c", data={"code": code}).status_code == 302


def test_public_page_sets_no_cookie(app, carded):
    _, issued = carded
    fresh = app.test_client()
    r = fresh.get(f"/c/{issued.token}")
    assert r.status_code == 200 and "Set-Cookie" not in r.headers


def test_the_page_says_tries_are_limited_and_how_many_remain(client, carded):
    """Issue 21.7: the limit is told before the first try, and each wrong answer says what is left."""
    person, issued = carded
    assert "连续输错 5 次需等 15 分钟再试" in client.get(f"/c/{issued.token}").data.decode()
    html = client.post(f"/c/{issued.token}/unlock", data={"last4": "0000"}).data.decode()
    assert "后 4 位不正确，还可尝试 4 次" in html
    for _ in range(2):
        client.post(f"/c/{issued.token}/unlock", data={"last4": "0000"})
    assert "还可尝试 1 次" in client.post(f"/c/{issued.token}/unlock", data={"last4": "0000"}).data.decode()


def test_a_move_before_the_arrival_is_refused_at_report_time(client, carded):
    """Issue 14.3: the card page applies the rule the reviewer's acceptance applies."""
    person, issued = carded  # arrived 2026-01-10
    _unlock(client, person, issued)
    for kind, data in (("address", {"address": "学院路 5 号"}), ("departure", {"destination": "安徽", "reason": "other"})):
        html = client.post(f"/c/{issued.token}/report/{kind}", data={**data, "on": "2025-12-31"}).data.decode()
        assert "日期早于来本地日期（2026-01-10）" in html, kind
    assert db.session.scalar(select(ChangeRequest.id)) is None
    # the service refuses it too, whoever calls it
    with pytest.raises(cards.ValidationFailed) as refused:
        cards.submit_report(db.session.get(Card, issued.card.id), "address",
                            {"address": "x", "on": dt.date(2025, 12, 31)}, "127.0.0.1")
    assert "on" in refused.value.errors


def test_the_reviewer_corrects_an_impossible_date_in_place(client, carded, login):
    """A report made before the rule was checked (or a record changed since): the review page
    shows the problem on the date field, and the corrected date is accepted there."""
    person, issued = carded
    _unlock(client, person, issued)
    client.post(f"/c/{issued.token}/report/address", data={"address": "学院路 5 号 101", "on": local_today().isoformat()})
    change = db.session.scalars(select(ChangeRequest)).one()
    change.payload = {**change.payload, "on": "2025-12-31"}
    db.session.commit()
    c = login("coordinator")
    assert "日期需更正" in c.get("/grid/queue").data.decode()
    review = c.get(f"/grid/queue/{change.id}").data.decode()
    assert "日期早于来本地日期（2026-01-10）" in review and 'value="2025-12-31"' in review
    r = c.post(f"/grid/queue/{change.id}/accept", data={"on": "2026-02-01", "address": "学院路 5 号 101",
                                                        "grid_id": str(person.grid_id)})
    assert r.status_code == 302, r.data.decode()[-1500:]
    db.session.expire_all()
    assert db.session.get(Person, person.id).dwelling.address == "学院路 5 号 101"


def test_the_card_page_has_a_per_address_rate(app_with, carded):
    _, issued = carded
    limited = app_with(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", RATELIMIT_CARD_PAGE="3 per minute")
    client = limited.test_client()
    statuses = [client.get(f"/c/{issued.token}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    page = client.get(f"/c/{issued.token}")
    assert page.status_code == 429 and "操作太频繁" in page.text
    other = client.get(f"/c/{issued.token}", environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert other.status_code == 200
