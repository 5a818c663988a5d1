from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, ChangeRequest, Movement, Person


def test_transfer_request_goes_to_the_holding_area_and_moves_the_record(login, world):
    p = world.person("王五", grid=world.grid_b1, seq=6)
    c = login("coordinator")
    r = c.post("/grid/transfers", data={"id_number": p.id_number, "grid_id": str(world.grid_a1.id)})
    assert r.status_code == 302
    change = db.session.scalars(select(ChangeRequest)).one()
    assert change.kind == "transfer" and change.grid_id == world.grid_b1.id and change.status == "pending"
    # the requester cannot see the record yet
    assert c.get(f"/grid/people/{p.id}").status_code == 404
    # the holding area's coordinator sees it in their queue; the requester's supervisor does not
    b = login("coordinator_b")
    assert "王五" in b.get("/grid/queue").data.decode()
    assert "王五" not in login("supervisor").get("/grid/queue").data.decode()
    assert b.post(f"/grid/queue/{change.id}/accept", data={}).status_code == 302
    db.session.expire_all()
    moved = db.session.get(Person, p.id)
    assert moved.grid_id == world.grid_a1.id and moved.dwelling_id is None
    assert db.session.scalars(select(Movement).where(Movement.kind == "transfer")).one().from_grid_id == world.grid_b1.id
    assert c.get(f"/grid/people/{p.id}").status_code == 200
    assert b.get(f"/grid/people/{p.id}").status_code == 404
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "person.transfer")).one()


def test_reject_needs_a_reason(login, world):
    p = world.person("王五", grid=world.grid_b1, seq=6)
    login("coordinator").post("/grid/transfers", data={"id_number": p.id_number, "grid_id": str(world.grid_a1.id)})
    change = db.session.scalars(select(ChangeRequest)).one()
    b = login("coordinator_b")
    b.post(f"/grid/queue/{change.id}/reject", data={"reason": ""})
    db.session.expire_all()
    assert db.session.get(ChangeRequest, change.id).status == "pending"
    b.post(f"/grid/queue/{change.id}/reject", data={"reason": "此人仍在本社区居住"})
    db.session.expire_all()
    assert db.session.get(ChangeRequest, change.id).status == "rejected"
    assert "此人仍在本社区居住" in login("coordinator").get("/grid/queue").data.decode()


def test_someone_who_already_left_moves_at_once(login, world):
    p = world.person("王五", grid=world.grid_b1, seq=6, status="left")
    r = login("coordinator").post("/grid/transfers", data={"id_number": p.id_number, "grid_id": str(world.grid_a1.id)})
    assert r.status_code == 302 and f"/grid/people/{p.id}/move" in r.headers["Location"]
    db.session.expire_all()
    moved = db.session.get(Person, p.id)
    assert moved.grid_id == world.grid_a1.id and moved.status == "present"


def test_cannot_decide_outside_scope(login, world):
    p = world.person("王五", grid=world.grid_b1, seq=6)
    login("coordinator").post("/grid/transfers", data={"id_number": p.id_number, "grid_id": str(world.grid_a1.id)})
    change = db.session.scalars(select(ChangeRequest)).one()
    assert login("coordinator").post(f"/grid/queue/{change.id}/accept", data={}).status_code == 404
