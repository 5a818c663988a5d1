"""Migration 0017 reports ID numbers stored with digits of another script (the form used
to accept ٤20683… beside 420683…) and rewrites the ones without a twin in ASCII."""
import importlib.util
import pathlib

from sqlalchemy import select

from app.extensions import db
from app.models import Person
from tests.conftest import make_valid_id

PATH = pathlib.Path(__file__).parents[2] / "migrations" / "versions" / "0017_sessions.py"


def _migration():
    spec = importlib.util.spec_from_file_location("m0017", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_foreign_digit_twins_are_reported_and_lone_ones_rewritten(world):
    number = make_valid_id(region="420683")
    original = world.person(grid=world.grid_a1, id_number=number)
    twin = world.person(name="李四", grid=world.grid_b1, id_number="٤" + number[1:])
    other = make_valid_id(region="110101", seq=7)
    lone = world.person(name="王五", grid=world.grid_b1, id_number="１" + other[1:])
    report = _migration().report_foreign_digits(db.session.connection())
    db.session.commit()
    by_id = {e["person_id"]: e for e in report}
    assert by_id[twin.id] == {"person_id": twin.id, "grid_id": world.grid_b1.id, "rewritten": False,
                              "same_as_person_id": original.id, "same_as_grid_id": world.grid_a1.id}
    assert by_id[lone.id]["rewritten"] is True
    assert db.session.scalar(select(Person.id_number).where(Person.id == lone.id)) == other
    assert original.id not in by_id
