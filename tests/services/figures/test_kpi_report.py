"""The KPI report of an area: each rate, its target, its trend, its parts and its lists."""
from figures_data import APR, JUN, MAR, NOW, TODAY

from app.domain.figures import Ratio
from app.extensions import db
from app.models import Setting
from app.services.common import paging
from app.services.common.paging import Cursor
from app.services.figures import kpi
from app.services.figures import lists as figure_lists
from app.services.figures import store as figures
from app.services.figures.measures import Context


def report(area, month=JUN):
    return kpi.report(area, figures.Coverage.of(area), month, Context(TODAY, NOW))


def test_every_kpi_of_a_township(county):
    r = report(county.town_a)
    got = {k.kpi.key: k for k in r.kpis}
    assert got["registration"].month == Ratio(2, 4, 1)  # grid A2 has no estimate
    assert got["cards"].month == Ratio(1, 3)  # p1's card; p2's was never printed, p4 has none
    assert got["landlord"].month == Ratio(1, 2)
    assert got["entry"].month == Ratio(0, 0)
    assert [k.status for k in r.kpis] == ["below", "below", "below", "none", "none"]  # no dwelling by June
    assert r.current and r.counted_at == NOW


def test_targets_are_settings(county):
    db.session.add(Setting(key="kpi.target.registration", value=50))
    db.session.commit()
    assert report(county.town_a).kpis[0].status == "met"


def test_trend_parts_and_previous_month(county):
    r = report(county.county, APR)
    registration, entry = r.kpis[0], r.kpis[3]
    assert [p.id for p in r.parts] == [county.town_a.id, county.town_b.id]
    assert [m for m, _ in registration.trend][-2:] == [MAR, APR] and len(registration.trend) == 12
    assert dict(registration.parts)[county.town_b] == Ratio(0, 10)
    assert entry.month == Ratio(0, 1) and entry.previous == Ratio(1, 1)
    assert entry.change == -100.0


def test_a_grid_is_its_own_part(county):
    r = report(county.grid_a1)
    assert r.parts == [county.grid_a1] and r.kpis[0].month == Ratio(2, 4)


def rows(listing, area, month=JUN):
    coverage = figures.Coverage.of(area)
    return figure_lists.page(listing, Context(TODAY, NOW).scoped(coverage.grid_ids), month).items


def test_lists_hold_who_was_counted_and_who_is_missing(county):
    cards = kpi.BY_KEY["cards"]
    missing = {r.person.name: str(r.detail) for r in rows(cards.missing, county.town_a)}
    assert set(missing) == {"乙", "丁"}
    assert "尚未打印" in missing["乙"] and "没有" in missing["丁"]
    assert [r.person.name for r in rows(cards.counted, county.town_a)] == ["甲"]
    unconfirmed = rows(kpi.BY_KEY["landlord"].missing, county.town_a)
    assert [r.person.name for r in unconfirmed] == ["乙"] and "2026-04-01" in str(unconfirmed[0].detail)
    late = rows(kpi.BY_KEY["entry"].missing, county.town_a, APR)
    assert [(r.person.name, str(r.detail)) for r in late] == [("乙", "采集后 48 小时录入")]
    assert {r.person.name for r in rows(kpi.BY_KEY["registration"].counted, county.county, MAR)} == {"甲", "丙"}
    assert rows(kpi.BY_KEY["registration"].counted, county.grid_a2) == []  # no estimate: not counted
    assert rows(cards.missing, county.town_b) == []


def test_list_pages_and_their_total(county):
    listing = kpi.BY_KEY["registration"].counted  # on record in a grid with an estimate: p1, p2
    coverage = figures.Coverage.of(county.county)
    ctx = Context(TODAY, NOW).scoped(coverage.grid_ids)
    first = figure_lists.page(listing, ctx, JUN, per_page=1)
    second = figure_lists.page(listing, ctx, JUN, Cursor(after=first.last_id), per_page=1)
    # in name order (code points: 乙 U+4E59, 甲 U+7532)
    assert first.total == 2 and first.exact and [r.person.name for r in first.items] == ["乙"]
    assert first.has_next and not first.has_prev
    assert [r.person.name for r in second.items] == ["甲"] and second.has_prev and not second.has_next
    back = figure_lists.page(listing, ctx, JUN, Cursor(before=second.first_id), per_page=1)
    assert [r.person.name for r in back.items] == ["乙"] and not back.has_prev and back.has_next
    assert [r.person.name for r in figure_lists.every_row(listing, ctx, JUN, chunk=1)] == ["乙", "甲"]
    assert figure_lists.page(kpi.BY_KEY["cards"].missing, ctx, JUN).total == 2  # 乙, 丁


def test_long_and_short_lists_page_alike(county, monkeypatch):
    """A short list is found whole and sorted; a long one counted, then read in order
    (materialised up to SORT_ALL_UP_TO, walked by name above): the same pages either way."""
    listing = kpi.BY_KEY["registration"].counted
    coverage = figures.Coverage.of(county.county)
    ctx = Context(TODAY, NOW).scoped(coverage.grid_ids)

    def pages():
        first = figure_lists.page(listing, ctx, JUN, per_page=1)
        second = figure_lists.page(listing, ctx, JUN, Cursor(after=first.last_id), per_page=1)
        back = figure_lists.page(listing, ctx, JUN, Cursor(before=second.first_id), per_page=1)
        return [(p.total, p.has_next, [r.person.name for r in p.items]) for p in (first, second, back)]

    short = pages()
    assert short == [(2, True, ["乙"]), (2, False, ["甲"]), (2, True, ["乙"])]
    monkeypatch.setattr(figure_lists, "FIND_FIRST_UP_TO", 1)
    assert pages() == short
    monkeypatch.setattr(figure_lists, "SORT_ALL_UP_TO", 1)
    assert pages() == short
    monkeypatch.setattr(paging, "EXACT_UP_TO", 1)  # estimated total: the list walked in order
    assert [names for _, _, names in pages()] == [["乙"], ["甲"], ["乙"]]


def test_a_long_lists_total_is_the_stored_figure_without_counting_it(county, monkeypatch):
    from app.domain.clock import utcnow
    from app.models import GridFigure

    listing = kpi.BY_KEY["registration"].counted
    coverage = figures.Coverage.of(county.county)
    ctx = Context(TODAY, NOW).scoped(coverage.grid_ids)
    for grid_id in coverage.grid_ids:
        db.session.add(GridFigure(grid_id=grid_id, month=JUN.first, measure="people.on_record", value=20_000,
                                  computed_at=utcnow()))
        db.session.add(GridFigure(grid_id=grid_id, month=JUN.first, measure="cards.held", value=5_000,
                                  computed_at=utcnow()))
    db.session.commit()
    assert figure_lists.stored_length(coverage, JUN, "people.on_record", "cards.held")() == 15_000 * len(
        coverage.grid_ids)
    assert figure_lists.stored_length(coverage, MAR, "people.on_record")() is None  # not stored
    monkeypatch.setattr(paging, "EXACT_UP_TO", 1)
    monkeypatch.setattr(paging, "bounded_count", lambda stmt: (_ for _ in ()).throw(AssertionError("counted")))
    page = figure_lists.page(listing, ctx, JUN, estimate=figure_lists.stored_length(coverage, JUN, "people.on_record"))
    assert page.total == 20_000 * len(coverage.grid_ids) and not page.exact
    assert [r.person.name for r in page.items] == ["乙", "甲"]
