"""A submission the phone sends again (``Idempotency-Key``) is saved once (issue 16)."""
import uuid

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditLog, IdempotencyKey, Movement, Person, SweepVisit
from tests.conftest import make_valid_id
from tests.grid.test_register import form


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def key() -> dict:
    return {"Idempotency-Key": str(uuid.uuid4())}


def test_the_same_key_twice_registers_once_and_answers_the_same(login, world):
    c, headers = login("coordinator"), key()
    first = c.post("/grid/people/new", data=form(world), headers=headers)
    again = c.post("/grid/people/new", data=form(world), headers=headers)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(Person) == 1 and count(AuditLog, AuditLog.action == "person.register") == 1


def test_a_resend_with_a_new_csrf_token_is_the_same_submission(login, world):
    c, headers = login("coordinator"), key()
    c.post("/grid/people/new", data=form(world, csrf_token="a"), headers=headers)
    again = c.post("/grid/people/new", data=form(world, csrf_token="b"), headers=headers)
    assert again.status_code == 302 and count(Person) == 1


def test_a_key_reused_with_a_different_body_is_refused(login, world):
    c, headers = login("coordinator"), key()
    c.post("/grid/people/new", data=form(world), headers=headers)
    other = c.post("/grid/people/new", data=form(world, id_number=make_valid_id(seq=125), name="钱七"),
                   headers=headers)
    assert other.status_code == 422
    assert "同步编号" in other.data.decode()
    assert count(Person) == 1


def test_a_key_of_another_user_has_no_effect(login, world):
    headers = key()
    mine = login("coordinator").post("/grid/people/new", data=form(world), headers=headers)
    assert mine.status_code == 302
    # Another coordinator sending the same key gets no replay of the first answer: their
    # submission is judged on its own (here: a grid that is not theirs, nothing written).
    theirs = login("coordinator_b").post("/grid/people/new", data=form(world), headers=headers)
    assert "Idempotent-Replayed" not in theirs.headers
    assert theirs.headers.get("Location") != mine.headers["Location"]
    assert count(Person) == 1
    # and with a body of their own grid, the key is theirs too: saved once.
    b = {"id_number": make_valid_id(seq=127), "name": "孙八", "grid_id": str(world.grid_b1.id),
         "dwelling_id": str(world.dwelling_b1.id), "arrived_on": "2026-11-01"}
    c = login("coordinator_b")
    assert c.post("/grid/people/new", data=form(world, **b), headers=headers).status_code == 302
    assert c.post("/grid/people/new", data=form(world, **b), headers=headers).status_code == 302
    assert count(Person) == 2 and count(IdempotencyKey) == 2


def test_a_refused_submission_does_not_use_up_its_key(login, world):
    c, headers = login("coordinator"), key()
    bad = make_valid_id()[:-1] + ("0" if make_valid_id()[-1] != "0" else "1")
    refused = c.post("/grid/people/new", data=form(world, id_number=bad), headers=headers)
    assert refused.status_code == 200 and "校验位不正确" in refused.data.decode()
    assert count(IdempotencyKey) == 0
    assert c.post("/grid/people/new", data=form(world), headers=headers).status_code == 302
    assert count(Person) == 1


def test_a_bad_key_is_refused_before_anything_is_written(login, world):
    r = login("coordinator").post("/grid/people/new", data=form(world), headers={"Idempotency-Key": "x" * 65})
    assert r.status_code == 400 and count(Person) == 0


def test_a_sweep_visit_and_a_departure_sent_twice_are_recorded_once(login, world):
    c = login("coordinator")
    headers = key()
    for _ in range(2):
        r = c.post(f"/grid/sweep/{world.dwelling_a1.id}", data={"result": "no_change"}, headers=headers)
        assert r.status_code == 302
    assert count(SweepVisit) == 1 and count(AuditLog, AuditLog.action.like("sweep%")) == 1
    p = world.person()
    headers = key()
    data = {"version": str(p.version), "on": "2026-11-20", "destination": "广东省深圳市", "reason": "job_ended"}
    answers = [c.post(f"/grid/people/{p.id}/depart", data=data, headers=headers) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert count(Movement, Movement.person_id == p.id, Movement.kind == "leave") == 1
