"""Monthly sweep coverage and the service types' coverage and overdue counts: the figures
on hand-built data, the lists behind them, and the dashboard's tiles and links."""
import datetime as dt

import pytest
from figures_data import JUN, MAY, NOW, TODAY

from app.domain.figures import Ratio, Sum
from app.extensions import db
from app.models import Appointment, Dwelling, SweepVisit
from app.services.figures import kpi
from app.services.figures import lists as figure_lists
from app.services.figures import store as figures
from app.services.figures.measures import Context

APRIL = dt.datetime(2026, 4, 1)


@pytest.fixture
def swept(world):
    """Town A: 文一路 1 号 (visited in May and June), 文一路 3 号 (June), 新村 5 号 in A2
    (listed 10 June, not visited); town B: 留和路 9 号 (never visited)."""
    w = world
    w.dwelling_a1b = Dwelling(grid_id=w.grid_a1.id, address="文一路 3 号", landlord=w.dwelling_a1.landlord)
    db.session.add(w.dwelling_a1b)
    w.dwelling_a2 = w.dwelling(w.grid_a2, "新村 5 号")
    for d in (w.dwelling_a1, w.dwelling_a1b, w.dwelling_b1):
        d.created_at = APRIL
    w.dwelling_a2.created_at = dt.datetime(2026, 6, 10)
    db.session.add_all([
        SweepVisit(dwelling_id=w.dwelling_a1.id, grid_id=w.grid_a1.id, month=MAY.first, result="no_change"),
        SweepVisit(dwelling_id=w.dwelling_a1.id, grid_id=w.grid_a1.id, month=JUN.first, result="no_change"),
        SweepVisit(dwelling_id=w.dwelling_a1b.id, grid_id=w.grid_a1.id, month=JUN.first, result="changes"),
    ])
    db.session.commit()
    return w


@pytest.fixture
def booked(world, services):
    """One check-up type in grid A1, as of 15 June: 甲 done (5 June), 乙 planned 10 June
    (overdue, did not come twice), 丙 planned 20 June (not yet due), 丁 cancelled (8 June), 戊 planned 28 May
    (overdue since May); in grid B1, 己 done on 3 June."""
    w = world
    checkup = next(t for t in services.values() if t.category == "checkup" and t.active)
    rows = [("甲", w.grid_a1, dt.date(2026, 6, 5), "done"), ("乙", w.grid_a1, dt.date(2026, 6, 10), "planned"),
            ("丙", w.grid_a1, dt.date(2026, 6, 20), "planned"), ("丁", w.grid_a1, dt.date(2026, 6, 8), "cancelled"),
            ("戊", w.grid_a1, dt.date(2026, 5, 28), "planned"), ("己", w.grid_b1, dt.date(2026, 6, 3), "done")]
    for seq, (name, grid, due, status) in enumerate(rows, start=1):
        p = w.person(name, grid=grid, seq=seq)
        db.session.add(Appointment(person_id=p.id, service_type_id=checkup.id, slot=f"s{seq}", due_on=due,
                                   status=status, done_on=due if status == "done" else None,
                                   no_shows=2 if name == "乙" else 0))
    db.session.commit()
    w.checkup = checkup
    return w


def figures_of(key, area, month=JUN):
    k = kpi.find(key)
    return kpi.report(area, figures.Coverage.of(area), month, Context(TODAY, NOW), kpis=(k,)).kpis[0]


def listed(key, part, area, month=JUN):
    coverage = figures.Coverage.of(area)
    return figure_lists.page(kpi.find(key).lists()[part], Context(TODAY, NOW).scoped(coverage.grid_ids), month)


def test_sweep_coverage_counts_dwellings_visited_in_the_month(swept):
    w = swept
    assert figures_of("sweep", w.town_a).month == Ratio(2, 3)  # 新村 5 号 listed in June, not visited
    assert figures_of("sweep", w.town_a, MAY).month == Ratio(1, 2)  # 新村 5 号 not listed yet
    county = figures_of("sweep", w.county)
    assert county.month == Ratio(2, 4) and county.previous == Ratio(1, 3)
    assert dict(county.parts)[w.town_b] == Ratio(0, 1)
    assert county.status == "below"  # 50 % against 95 %


def test_sweep_lists_and_when_each_dwelling_was_last_visited(swept):
    w = swept
    assert [r.obj.address for r in listed("sweep", "counted", w.town_a).items] == ["文一路 1 号", "文一路 3 号"]
    missing = listed("sweep", "missing", w.county).items
    assert {r.obj.address: str(r.detail) for r in missing} == {"新村 5 号": "从未走访", "留和路 9 号": "从未走访"}
    may_missing = listed("sweep", "missing", w.town_a, MAY).items
    assert [(r.obj.address, str(r.detail)) for r in may_missing] == [("文一路 3 号", "上次走访：2026-06")]


def test_service_coverage_is_done_over_due_in_the_month(booked):
    w = booked
    key = f"service-{w.checkup.id}"
    town = figures_of(key, w.town_a)
    assert town.month == Ratio(1, 3)  # 甲 done; 乙, 丙 due; 丁 cancelled is not owed
    assert town.previous == Ratio(0, 1)  # May: 戊, not done
    assert town.overdue == Sum(2)  # 乙 and 戊: planned for a day before 15 June
    county = figures_of(key, w.county)
    assert county.month == Ratio(2, 4) and dict(county.parts)[w.town_b] == Ratio(1, 1)
    assert figures_of(key, w.town_a, MAY).overdue is None  # a count of now, not of May


def test_service_lists_hold_what_the_figures_count(booked):
    w = booked
    key = f"service-{w.checkup.id}"
    assert [r.person.name for r in listed(key, "counted", w.town_a).items] == ["甲"]
    missing = listed(key, "missing", w.town_a).items
    assert [(r.person.name, r.obj.due_on.day, str(r.detail)) for r in missing] == [("乙", 10, "尚未完成，未到 2 次"),
                                                                                   ("丙", 20, "尚未完成")]
    assert [r.person.name for r in listed(key, "overdue", w.county).items] == ["戊", "乙"]  # by date


@pytest.mark.parametrize("which", ["sweep", "service"])
def test_each_figure_counts_what_its_lists_hold(swept, booked, which):
    w = booked
    key = "sweep" if which == "sweep" else f"service-{w.checkup.id}"
    k = kpi.find(key)
    for area in (w.county, w.town_a, w.grid_a1, w.grid_a2, w.town_b):
        coverage = figures.Coverage.of(area)
        for month in (MAY, JUN):
            ctx = Context(TODAY, NOW)
            got = kpi.report(area, coverage, month, ctx, kpis=(k,)).kpis[0]
            counts = {part: figure_lists.count(listing, coverage.context(ctx), month)
                      for part, listing in k.lists().items()}
            assert counts["counted"] == got.month.numerator, (area.name, month)
            assert counts["missing"] == got.month.denominator - got.month.numerator, (area.name, month)
            if got.overdue is not None:
                assert counts["overdue"] == got.overdue.value, area.name


def test_one_kpi_per_active_service_type(booked, services):
    active = [t for t in services.values() if t.active]
    keys = [k.key for k in kpi.service_kpis()]
    assert len(keys) == len(active) and f"service-{booked.checkup.id}" in keys
    assert all(t.active or kpi.find(f"service-{t.id}") is None for t in services.values())
    assert set(kpi.all_measures()) >= {kpi.find(keys[0]).numerator, kpi.find(keys[0]).overdue}


def test_dashboard_shows_the_new_tiles_with_links(swept, booked, login, monkeypatch):
    w = booked
    page = login("supervisor").get("/station/kpi").get_data(as_text=True)
    assert "入户核查覆盖率" in page and "服务完成率" in page
    assert f"/station/kpi/service-{w.checkup.id}/overdue" in page
    overdue = login("supervisor").get(f"/station/kpi/service-{w.checkup.id}/overdue")
    assert overdue.status_code == 200
    text = overdue.get_data(as_text=True)
    assert "乙" in text and "戊" in text and "己" not in text  # 己 is in town B
    assert "/station/appointments/" in text  # each row opens the appointment to record it
    sweep = login("supervisor").get("/station/kpi/sweep/missing").get_data(as_text=True)
    assert "留和路" not in sweep  # town B's
    # this month (no visit since June): 去走访 opens the sweep page at each dwelling
    assert f"/grid/sweep?grid={w.grid_a1.id}#sweep-{w.dwelling_a1.id}" in sweep
    assert f"/grid/sweep?grid={w.grid_a2.id}#sweep-{w.dwelling_a2.id}" in sweep
    assert login("supervisor").get(f"/grid/sweep?grid={w.grid_a2.id}").status_code == 200
    export = login("supervisor").get(f"/station/kpi/service-{w.checkup.id}/overdue/export.xlsx")
    assert export.status_code == 200 and export.mimetype.endswith("sheet")
    assert login("supervisor").get("/station/kpi/service-999999").status_code == 404
