"""Grids with the same name in two townships are told apart: wherever grids of more than one
township are picked or listed, a grid shows its path (township › community › grid)."""
import io

import openpyxl
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Area, ChangeRequest
from app.services.registry.people_import import _Grids

NORTH = "北山街道 › 文一社区 › 第1网格"
WEST = "西溪街道 › 文一社区 › 第1网格"


@pytest.fixture
def namesake(world):
    """A “文一社区 第1网格” in township B too (the demo has two “文一1社区 第1网格”)."""
    community = world.area("330106004009", "文一社区", "community", world.town_b)
    grid = world.area("B9", "第1网格", "grid", community)
    db.session.commit()
    return grid


def test_the_admins_grid_picker_shows_the_path(login, world, namesake):
    admin = login("admin")
    for url in ("/admin/users/new", f"/admin/users/{world.users['coordinator'].id}"):
        page = admin.get(url).text
        assert NORTH in page and WEST in page, url
    users = admin.get("/admin/users").text
    assert NORTH in users  # the coordinator's grid, in the list of users


def test_within_one_township_the_short_name_stays(login, world, namesake):
    page = login("coordinator").get("/grid/people/new").text
    assert "文一社区 第1网格" in page and "›" not in page.split("<main")[-1]
    assert "北山街道 ›" not in login("supervisor").get("/grid/").text


def test_lists_and_exports_of_several_townships_name_the_township(login, world, namesake):
    world.person("张三", seq=1)
    world.person("李四", grid=namesake, seq=3)
    admin = login("admin")
    home = admin.get("/grid/").text
    # the admin picks township › community › grid (no chip per grid): both townships offered
    assert 'name="area_1"' in home and ">北山街道</option>" in home and ">西溪街道</option>" in home
    assert NORTH in admin.get("/grid/sweep").text
    rows = list(openpyxl.load_workbook(io.BytesIO(admin.get("/grid/export.xlsx").data)).active.iter_rows(values_only=True))
    column = rows[0].index("网格")
    assert {r[column] for r in rows[1:]} == {NORTH.replace(" › ", " "), WEST.replace(" › ", " ")}  # importable


def test_an_exported_path_imports_back_to_its_grid(app, world, namesake):
    with app.test_request_context():
        grids = _Grids(world.users["admin"], None)
    for text, grid in ((NORTH, world.grid_a1), (WEST, namesake), ("北山街道文一社区第1网格", world.grid_a1)):
        found = grids.names[text.replace(" ", "").upper()]
        assert found == [grid], text


def test_forwarding_a_report_lists_every_grid_with_its_township(login, world, namesake):
    p = world.person("张三", seq=1)
    change = ChangeRequest(kind="address", source="card", person_id=p.id, grid_id=world.grid_a1.id,
                           payload={"address": "文一路 2 号"})
    db.session.add(change)
    db.session.commit()
    page = login("coordinator").get(f"/grid/queue/{change.id}").text
    assert NORTH in page and WEST in page
