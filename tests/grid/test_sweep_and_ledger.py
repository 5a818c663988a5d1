"""The monthly sweep (coordinator marks dwellings, coverage per grid and month) and the
rental ledger with its .xlsx export."""
import datetime as dt
import io

import openpyxl
from sqlalchemy import select

from app.extensions import db
from app.models import Agreement, AgreementTemplate, AuditLog, Dwelling, SweepVisit
from app.services.rental import sweeps


def _second_dwelling(world):
    d = Dwelling(grid_id=world.grid_a1.id, address="文一路 3 号", kind="dormitory", rooms=2)
    db.session.add(d)
    db.session.commit()
    return d


def test_mark_visited_full_page_and_coverage(login, world):
    other = _second_dwelling(world)
    c = login("coordinator")
    page = c.get(f"/grid/sweep?grid={world.grid_a1.id}").text
    assert "0 / 2" in page and "文一路 1 号" in page and "文一路 3 号" in page
    r = c.post(f"/grid/sweep/{world.dwelling_a1.id}", data={"result": "no_change", "note": "房东在家"})
    assert r.status_code == 302
    visit = db.session.scalars(select(SweepVisit)).one()
    assert (visit.grid_id, visit.month, visit.result, visit.note) == (world.grid_a1.id, sweeps.this_month(), "no_change", "房东在家")
    assert visit.visited_by_id == world.users["coordinator"].id
    assert sweeps.coverage([world.grid_a1.id], sweeps.this_month())[world.grid_a1.id].percent == 50
    todo = c.get(f"/grid/sweep?grid={world.grid_a1.id}").text
    assert "1 / 2" in todo and "覆盖率 50%" in todo
    assert f'id="sweep-{world.dwelling_a1.id}"' not in todo and f'id="sweep-{other.id}"' in todo
    assert f'id="sweep-{world.dwelling_a1.id}"' in c.get(f"/grid/sweep?grid={world.grid_a1.id}&show=done").text


def test_htmx_mark_returns_the_sweep_block(login, world):
    c = login("coordinator")
    r = c.post(f"/grid/sweep/{world.dwelling_a1.id}", data={"result": "no_change"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and r.text.lstrip().startswith('<div id="sweep">') and "1 / 1" in r.text


def test_htmx_mark_with_dwellings_left_redraws_their_forms_and_says_so(login, world):
    """Regression: the block's forms called csrf(), imported outside the block: 500."""
    other = _second_dwelling(world)
    c = login("coordinator")
    r = c.post(f"/grid/sweep/{world.dwelling_a1.id}", data={"result": "no_change"}, headers={"HX-Request": "true"})
    assert r.status_code == 200, r.text[:500]
    assert f'id="sweep-{other.id}"' in r.text and f'id="sweep-{world.dwelling_a1.id}"' not in r.text
    assert 'name="csrf_token"' in r.text and "1 / 2" in r.text
    assert "已记录走访：文一路 1 号" in r.text


def test_changes_found_lead_to_the_dwellings_people(login, world):
    c = login("coordinator")
    r = c.post(f"/grid/sweep/{world.dwelling_a1.id}", data={"result": "changes"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/grid/dwellings/{world.dwelling_a1.id}")
    page = c.get(r.headers["Location"]).text
    assert "有变化" in page and "登记新来人员" in page
    htmx = c.post(f"/grid/sweep/{world.dwelling_a1.id}", data={"result": "changes"}, headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].endswith(f"/grid/dwellings/{world.dwelling_a1.id}")


def test_marking_again_replaces_the_result_and_is_audited(login, world):
    c = login("coordinator")
    c.post(f"/grid/sweep/{world.dwelling_a1.id}", data={"result": "no_change"})
    c.post(f"/grid/sweep/{world.dwelling_a1.id}", data={"result": "changes"})
    assert db.session.scalars(select(SweepVisit)).one().result == "changes"
    entries = db.session.scalars(select(AuditLog).where(AuditLog.action == "sweep.visit").order_by(AuditLog.id)).all()
    assert [e.after["result"] for e in entries] == ["no_change", "changes"] and entries[1].before["result"] == "no_change"


def test_bad_result_and_other_grids(login, world):
    c = login("coordinator")
    r = c.post(f"/grid/sweep/{world.dwelling_a1.id}", data={"result": "maybe"}, follow_redirects=True)
    assert r.status_code == 200 and "请选择走访结果" in r.text
    assert c.post(f"/grid/sweep/{world.dwelling_b1.id}", data={"result": "no_change"}).status_code == 404
    assert db.session.scalars(select(SweepVisit)).first() is None


def test_supervisor_sees_coverage_per_grid_and_month(login, world):
    month = sweeps.this_month()
    last = (month - dt.timedelta(days=1)).replace(day=1)
    db.session.add(SweepVisit(dwelling_id=world.dwelling_a1.id, grid_id=world.grid_a1.id, month=last, result="no_change"))
    db.session.commit()
    world.dwelling_a1.created_at = dt.datetime(2025, 1, 1)
    db.session.commit()
    page = login("supervisor").get("/station/sweeps").text
    assert "文一社区 第1网格" in page and "留下社区" not in page  # township A only
    assert "100%" in page and "1/1" in page and "0/1" in page
    assert last.strftime("%Y-%m") in page
    assert login("supervisor").get("/station/sweeps?end=bogus").status_code == 200
    assert login("coordinator").get("/station/sweeps").status_code == 403


def test_coverage_counts_dwellings_registered_by_the_months_end(world):
    month = sweeps.this_month()
    earlier = (month - dt.timedelta(days=1)).replace(day=1)
    assert sweeps.coverage([world.grid_a1.id], earlier)[world.grid_a1.id].total == 0  # registered this month
    assert sweeps.coverage([world.grid_a1.id], month)[world.grid_a1.id].total == 1
    assert sweeps.coverage([], month) == {}


def _signed(world, dwelling):
    template = AgreementTemplate(version=1, title="责任书", body="……")
    db.session.add(template)
    db.session.add(Agreement(dwelling_id=dwelling.id, landlord_id=dwelling.landlord_id, template=template,
                             signed_name="x"))
    db.session.commit()


def test_ledger_filters(login, world):
    other = _second_dwelling(world)
    world.person("张三", seq=1)
    _signed(world, world.dwelling_a1)
    c = login("coordinator")
    page = c.get("/grid/ledger").text
    assert "文一路 1 号" in page and "文一路 3 号" in page and "留和路" not in page
    assert "在住 1 人" in page and "责任书已签署" in page and "责任书未签署" in page and "从未走访" in page
    assert "文一路 3 号" not in c.get("/grid/ledger?agreement=signed").text
    assert "文一路 1 号" not in c.get("/grid/ledger?agreement=unsigned").text
    assert "文一路 3 号" not in c.get("/grid/ledger?occupied=yes").text
    assert "文一路 1 号" not in c.get("/grid/ledger?kind=dormitory").text
    c.post(f"/grid/sweep/{other.id}", data={"result": "no_change"})
    assert "文一路 1 号" not in c.get("/grid/ledger?visited=yes").text
    assert "最近走访 " + sweeps.this_month().strftime("%Y-%m") in c.get("/grid/ledger?visited=yes").text
    for nasty in ("?grid=99999999999", "?kind=<x>", "?agreement=1", "?page=-1", f"?grid={world.grid_b1.id}"):
        assert c.get("/grid/ledger" + nasty).status_code == 200, nasty
    assert "留和路" not in c.get(f"/grid/ledger?grid={world.grid_b1.id}").text


def test_ledger_export_is_the_filtered_list_with_masked_ids(login, world):
    world.dwelling_a1.landlord.id_number = "110101199003071234"
    db.session.commit()
    _second_dwelling(world)
    r = login("coordinator").get("/grid/ledger.xlsx?kind=rental")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(r.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "地址" and len(rows) == 2
    assert rows[1][0] == "文一路 1 号" and rows[1][7] == "110101********1234" and rows[1][8] == ""


def test_htmx_mark_with_dwellings_left_renders_their_forms(login, world):
    """The block rendered alone has the other dwellings' forms with their CSRF fields (it
    failed with 'csrf is undefined' as soon as one dwelling was left to visit)."""
    from app.models import Dwelling

    other = Dwelling(grid_id=world.grid_a1.id, address="文一路 2 号", kind="rental", rooms=2)
    db.session.add(other)
    db.session.commit()
    c = login("coordinator")
    r = c.post(f"/grid/sweep/{world.dwelling_a1.id}", data={"result": "no_change"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and r.text.lstrip().startswith('<div id="sweep">')
    assert f'action="/grid/sweep/{other.id}"' in r.text and 'name="csrf_token"' in r.text


def test_county_ledger_offers_the_area_picker_and_narrows_to_the_area_picked(login, world):
    """The admin's ledger (every grid of the county) picks township › community › grid
    instead of listing every grid as an option, and each row names its grid with its
    township (two townships may each have a 第1网格)."""
    c = login("admin")
    page = c.get("/grid/ledger").text
    assert 'name="area_1"' in page and 'name="grid"' not in page
    assert "文一路 1 号" in page and "留和路 9 号" in page and "北山街道" in page and "西溪街道" in page
    narrowed = c.get(f"/grid/ledger?area_1={world.town_b.id}").text
    assert "留和路 9 号" in narrowed and "文一路 1 号" not in narrowed and 'name="area_2"' in narrowed
    assert "西溪街道 › " in narrowed  # the row's grid, named with its township
    # the export follows the area picked, and its audit entry says so
    sheet = openpyxl.load_workbook(io.BytesIO(c.get(f"/grid/ledger.xlsx?area={world.town_b.id}").data)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["留和路 9 号"]
    # an area outside the user's scope narrows nothing (a coordinator's list stays theirs)
    mine = login("coordinator").get(f"/grid/ledger?area_1={world.town_b.id}").text
    assert "留和路 9 号" not in mine and 'name="grid"' in mine
