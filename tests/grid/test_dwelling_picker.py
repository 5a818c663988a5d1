"""The dwelling picker of a registration, a move and a review: searchable by any part of
the address (htmx narrows the list; without JavaScript, 查找 reloads the form)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Dwelling, Movement
from app.services.registry.dwellings import in_grid


def _dwellings(world, n=30):
    rows = [Dwelling(grid_id=world.grid_a1.id, address=f"幸福路 {i} 号", kind="rental") for i in range(1, n + 1)]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def test_the_picker_narrows_by_part_of_the_address(login, world):
    _dwellings(world)
    c = login("coordinator")
    html = c.post("/grid/pickers/dwellings", data={"grid_id": str(world.grid_a1.id), "dwelling_q": "12 号"},
                  headers={"HX-Request": "true"}).data.decode()
    assert html.count("<option") == 2 and "幸福路 12 号" in html and " selected>幸福路 12 号" in html
    many = c.post("/grid/pickers/dwellings", data={"grid_id": str(world.grid_a1.id), "dwelling_q": "幸福路"}).data.decode()
    assert many.count("<option") == 31 and " selected" not in many
    # another township's grid: nothing, whatever is asked
    other = c.post("/grid/pickers/dwellings", data={"grid_id": str(world.grid_b1.id), "dwelling_q": "留和路"}).data.decode()
    assert other.count("<option") == 1
    assert c.get(f"/grid/pickers/dwellings?grid_id={world.grid_a1.id}").data.decode().count("<option") == 32


def test_a_long_list_is_cut_and_says_there_is_more(world, ctx):
    _dwellings(world, 105)
    from app.grid.helpers import DWELLINGS_SHOWN
    assert len(in_grid(world.grid_a1.id, "幸福路", limit=DWELLINGS_SHOWN + 1)) == DWELLINGS_SHOWN + 1


def test_without_javascript_find_narrows_the_move_form_and_saves_nothing(login, world):
    p = world.person("张三", seq=1)
    _dwellings(world)
    c = login("coordinator")
    r = c.post(f"/grid/people/{p.id}/move", data={"version": str(p.version), "on": "2026-11-20",
                                                  "grid_id": str(world.grid_a1.id), "dwelling_q": "幸福路 7",
                                                  "find_dwelling": "1", "note": "三楼"})
    html = r.data.decode()
    assert r.status_code == 200 and "幸福路 7 号" in html and "幸福路 8 号" not in html
    assert 'value="三楼"' in html  # nothing typed is lost
    assert db.session.scalars(select(Movement).where(Movement.kind == "move")).first() is None
    target = db.session.scalars(select(Dwelling).where(Dwelling.address == "幸福路 7 号")).one()
    r = c.post(f"/grid/people/{p.id}/move", data={"version": str(p.version), "on": "2026-11-20",
                                                  "grid_id": str(world.grid_a1.id), "dwelling_q": "幸福路 7",
                                                  "dwelling_id": str(target.id)})
    assert r.status_code == 302, r.data.decode()[-1500:]
