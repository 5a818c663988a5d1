"""Print batches: the cards printed together can be printed again (重印此批), in scope only."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Card, CardBatch
from app.services.cards import issuing as cards
from app.services.common.context import Actor


def _cards(world, n, grid=None):
    people = [world.person(f"卡{i}", seq=60 + i, grid=grid or world.grid_a1) for i in range(n)]
    for p in people:
        cards.issue_on_registration(Actor.cli(), p)
    db.session.commit()
    return people


def test_printing_makes_a_batch_listed_with_a_reprint_button(login, world):
    _cards(world, 3)
    c = login("coordinator")
    html = c.post("/grid/cards/print", data={"grid_id": str(world.grid_a1.id)}).data.decode()
    batch = db.session.scalars(select(CardBatch)).one()
    assert batch.size == 3 and f'action="/grid/cards/batches/{batch.id}/reprint"' in html
    assert "data-print hidden" in html  # the print button, shown by app.js
    assert f"/grid/cards/batches/{batch.id}/reprint" in c.get("/grid/cards").data.decode()


def test_reprint_reissues_the_cards_still_in_use(login, world):
    people = _cards(world, 3)
    c = login("coordinator")
    c.post("/grid/cards/print", data={"grid_id": str(world.grid_a1.id)})
    first = db.session.scalars(select(CardBatch)).one()
    c.post(f"/grid/people/{people[0].id}/card/revoke")  # one card stopped by hand meanwhile
    html = c.post(f"/grid/cards/batches/{first.id}/reprint").data.decode()
    assert html.count('class="qr"') == 2
    db.session.expire_all()
    second = db.session.scalars(select(CardBatch).where(CardBatch.reprint_of_id == first.id)).one()
    assert second.size == 2
    active = db.session.scalars(select(Card).where(Card.revoked_at.is_(None))).all()
    assert {card.batch_id for card in active} == {second.id} and len(active) == 2
    old = db.session.scalars(select(Card).where(Card.batch_id == first.id)).all()
    assert all(card.revoked_at is not None for card in old)


def test_a_batch_with_nothing_left_to_print_says_so(login, world):
    people = _cards(world, 1)
    c = login("coordinator")
    c.post("/grid/cards/print", data={"grid_id": str(world.grid_a1.id)})
    batch = db.session.scalars(select(CardBatch)).one()
    c.post(f"/grid/people/{people[0].id}/card/revoke")
    r = c.post(f"/grid/cards/batches/{batch.id}/reprint", follow_redirects=True)
    assert "无需重印" in r.data.decode()


def test_another_areas_batch_is_not_found(login, world):
    _cards(world, 1, grid=world.grid_b1)
    login("coordinator_b").post("/grid/cards/print", data={"grid_id": str(world.grid_b1.id)})
    batch = db.session.scalars(select(CardBatch)).one()
    assert login("coordinator").post(f"/grid/cards/batches/{batch.id}/reprint").status_code == 404
    assert login("landlord").post(f"/grid/cards/batches/{batch.id}/reprint").status_code == 403
