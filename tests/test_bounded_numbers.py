"""Every integer typed into a form or a URL goes through one bounded parser: superscripts,
other scripts' digits, huge or negative numbers are "not a choice", never a 500 (issue 23.7)."""
import pytest

from app.domain.keys import MAX_ID, optional_key, parse_key
from tests.grid.test_landlord_reviews import _report_arrival

ODD = ["²", "٣", "３", "99999999999999999999999", str(2**31), "-1", "0", "1e3", " 1", "1_0", "0x1", ""]


@pytest.mark.parametrize("text", ODD)
def test_parse_key_takes_only_ascii_digits_within_a_database_key(text):
    assert parse_key(text) is None


def test_parse_key_reads_keys():
    assert parse_key("42") == 42 and parse_key(str(MAX_ID)) == MAX_ID and parse_key(7) == 7
    assert optional_key("") is None and optional_key("5") == 5
    with pytest.raises(ValueError):
        optional_key("²")


@pytest.mark.parametrize("value", ODD)
def test_printing_cards_of_an_odd_grid_number(login, world, value):
    r = login("coordinator").post("/grid/cards/print", data={"grid_id": value})
    assert r.status_code == 302


@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "-5"])
def test_accepting_a_report_into_an_odd_grid_number(login, world, value):
    change = _report_arrival(login, world)
    r = login("coordinator").post(f"/grid/queue/{change.id}/accept", data={
        "name": "赵六", "id_number": change.payload["id_number"], "room": "103", "on": change.payload["on"],
        "grid_id": value, "dwelling_id": value})
    assert r.status_code in (200, 302)
    r = login("coordinator").post(f"/grid/queue/{change.id}/forward", data={"grid_id": value})
    assert r.status_code in (200, 302, 400)


@pytest.mark.parametrize("path, data", [
    ("/grid/people/new", {"grid_id": "99999999999999999999999", "dwelling_id": "²"}),
    ("/grid/people/new", {"grid_id": "²", "dwelling_id": "99999999999999999999999"}),
    ("/grid/pickers/dwellings", {"grid_id": "99999999999999999999999"}),
])
def test_registration_forms_with_odd_numbers(login, world, path, data):
    r = login("coordinator").post(path, data=data)
    assert r.status_code in (200, 302, 400, 404)


@pytest.mark.parametrize("value", ["99999999999999999999999", "²"])
def test_admin_forms_with_odd_numbers(login, world, value):
    admin = login("admin")
    r = admin.post("/admin/users/new", data={"username": "x1", "name": "x", "role": "coordinator",
                                             "password": "long-enough-1", "grid_ids": value, "area_id": value})
    assert r.status_code == 200
    r = admin.post("/admin/areas/new", data={"code": "X9", "name": "x", "level": "grid", "parent_id": value})
    assert r.status_code in (200, 302, 404)
