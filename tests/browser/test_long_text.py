"""Long unbroken Latin text in an address or a name wraps instead of widening the page past
360 px (the defect: a long address pushed the work lists sideways)."""
from app.extensions import db
from app.models import Dwelling

LONG_ADDRESS = "Room" + "A" * 60 + "-Building" + "7" * 30
LONG_NAME = "Muhammad" + "x" * 50


def test_long_latin_text_wraps_at_360_px(phone, world):
    d = Dwelling(grid_id=world.grid_a1.id, address=LONG_ADDRESS, kind="rental", rooms=2, landlord=world.dwelling_a1.landlord)
    db.session.add(d)
    db.session.commit()
    p = world.person(LONG_NAME, seq=31, dwelling=d)
    phone.log_in("coordinator")
    for url in ("/grid/", f"/grid/people/{p.id}", "/grid/dwellings", f"/grid/dwellings/{d.id}", "/grid/sweep",
                "/grid/ledger"):
        phone.page.goto(url)
        assert phone.overflow() is None, (url, phone.overflow())
    phone.shot("long-latin-text")
    assert phone.take_problems() == []
