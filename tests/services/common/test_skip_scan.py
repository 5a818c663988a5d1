"""Distinct values by skipping through an index: the same answer as SELECT DISTINCT."""
from sqlalchemy import select

from app.extensions import db
from app.models import Person
from app.services.common.skip_scan import distinct_values


def test_distinct_values_in_order_without_null_or_empty(world):
    codes = ["440305001", None, "", "110101", "440305001", "330106", "110101"]
    for seq, code in enumerate(codes, start=1):
        world.person(name=f"人{seq}", seq=seq, hukou_area_code=code)
    got = list(db.session.scalars(distinct_values(Person, "hukou_area_code")))
    assert got == ["110101", "330106", "440305001"]
    plain = db.session.scalars(select(Person.hukou_area_code).where(Person.hukou_area_code > "").distinct())
    assert got == sorted(plain)


def test_distinct_values_of_an_empty_table(world):
    assert list(db.session.scalars(distinct_values(Person, "hukou_area_code"))) == []
