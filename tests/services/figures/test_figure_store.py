"""The figure store: counted once, kept, recounted when out of date; read back per area."""
import datetime as dt

from figures_data import APR, JUN, MAR, MAY, NOW, TODAY, utc
from sqlalchemy import func, select

from app.domain.figures import Ratio, Sum
from app.extensions import db
from app.models import GridFigure, Person, Setting
from app.services.figures import measures as m
from app.services.figures import store as figures
from app.services.figures.measures import Context


def stored(key, month):
    return dict(db.session.execute(select(GridFigure.grid_id, GridFigure.value)
                                   .where(GridFigure.measure == key, GridFigure.month == month.first)).all())


def test_ensure_stores_every_grid_zeros_included(county):
    coverage = figures.Coverage.of(county.town_a)
    figures.ensure([m.ON_RECORD, m.ESTIMATE], [APR, JUN], coverage, Context(TODAY, NOW))
    assert stored("people.on_record", APR) == {county.grid_a1.id: 2, county.grid_a2.id: 0}
    assert stored("grids.estimate", JUN) == {county.grid_a1.id: 4, county.grid_a2.id: None}
    assert stored("people.on_record", MAY.shift(3)) == {}  # nothing counted ahead of time


def test_closed_months_are_kept_the_current_month_recounted_when_old(county):
    coverage = figures.Coverage.of(county.town_a)
    figures.ensure([m.ON_RECORD], [APR, JUN], coverage, Context(TODAY, NOW))
    county.person("戊", seq=9, entered_at=utc(2026, 4, 2))  # a late entry for April, and now on record
    later = Context(TODAY, NOW + dt.timedelta(minutes=5))
    figures.ensure([m.ON_RECORD], [APR, JUN], coverage, later)
    assert stored("people.on_record", APR)[county.grid_a1.id] == 2  # April is closed and final
    assert stored("people.on_record", JUN)[county.grid_a1.id] == 2  # younger than 10 minutes
    much_later = Context(TODAY, NOW + dt.timedelta(minutes=11))
    found = figures.ensure([m.ON_RECORD], [APR, JUN], coverage, much_later)
    assert stored("people.on_record", JUN)[county.grid_a1.id] == 3
    assert found.counted_at[JUN] == much_later.now and found.sum(JUN, "people.on_record") == Sum(4)  # A1 3, A2 1
    figures.ensure([m.ON_RECORD], [JUN], coverage, later, force_current=True)  # the page's refresh button
    assert stored("people.on_record", JUN)[county.grid_a1.id] == 3


def test_a_month_counted_before_it_ended_is_counted_again(county):
    coverage = figures.Coverage.of(county.town_a)
    in_april = Context(dt.date(2026, 4, 20), utc(2026, 4, 20))
    figures.ensure([m.ON_RECORD], [APR], coverage, in_april)
    assert stored("people.on_record", APR)[county.grid_a1.id] == 2
    county.person("戊", seq=9, entered_at=utc(2026, 4, 25))  # entered after that count, still in April
    figures.ensure([m.ON_RECORD], [APR], coverage, Context(TODAY, NOW))
    assert stored("people.on_record", APR)[county.grid_a1.id] == 3


def test_a_changed_setting_makes_its_figures_out_of_date(county):
    coverage = figures.Coverage.of(county.town_a)
    figures.ensure([m.ENTERED_ON_TIME], [APR], coverage, Context(TODAY, NOW))
    assert stored("people.entered_on_time", APR)[county.grid_a1.id] == 0
    db.session.add(Setting(key="person.entry_hours", value=72, updated_at=NOW + dt.timedelta(seconds=1)))
    db.session.commit()
    figures.ensure([m.ENTERED_ON_TIME], [APR], coverage, Context(TODAY, NOW + dt.timedelta(seconds=2)))
    assert stored("people.entered_on_time", APR)[county.grid_a1.id] == 1


def test_a_new_grid_is_counted(county):
    coverage = figures.Coverage.of(county.town_a)
    figures.ensure([m.ON_RECORD], [APR], coverage, Context(TODAY, NOW))
    new = county.area("A3", "第3网格", "grid", county.comm_a)
    db.session.commit()
    figures.ensure([m.ON_RECORD], [APR], figures.Coverage.of(county.town_a), Context(TODAY, NOW))
    assert stored("people.on_record", APR)[new.id] == 0


def test_ratios_leave_out_grids_without_a_denominator(county):
    coverage = figures.Coverage.of(county.county)
    found = figures.ensure([m.ON_RECORD, m.ESTIMATE], [APR, JUN], coverage, Context(TODAY, NOW))
    pair = ("people.on_record", "grids.estimate")
    parts = [county.town_a, county.town_b]
    got = figures.ratios_by_part([pair], coverage, parts, JUN)[pair]
    # township A: grid A1 2 of 4; grid A2 has no estimate and is left out (its 1 person too)
    assert got[county.town_a.id] == Ratio(2, 4, 1)
    assert got[county.town_b.id] == Ratio(0, 10, 0)
    measures = [(m.ON_RECORD, m.ESTIMATE)]
    assert figures.ratios(measures, coverage, [APR, JUN], found)[pair] == {APR: Ratio(2, 14, 1), JUN: Ratio(2, 14, 1)}
    town = figures.Coverage.of(county.town_a)
    assert figures.ratios(measures, town, [APR], found)[pair][APR].rate == 50.0
    by_grid = figures.ratios_by_part([pair], town, [county.grid_a1, county.grid_a2], JUN)[pair]
    assert by_grid == {county.grid_a1.id: Ratio(2, 4, 0), county.grid_a2.id: Ratio(0, 0, 1)}


def test_sums_and_parts(county):
    coverage = figures.Coverage.of(county.county)
    found = figures.ensure([m.ARRIVED, m.ESTIMATE], [MAR], coverage, Context(TODAY, NOW))
    got = figures.sums_by_part(["people.arrived", "grids.estimate"], coverage, [county.town_a, county.town_b], MAR)
    assert got["people.arrived"][county.town_a.id] == Sum(2, 0)
    assert got["grids.estimate"][county.town_a.id] == Sum(4, 1)
    assert found.sum(MAR, "grids.estimate") == Sum(14, 1) and found.sum(MAR, "people.arrived") == Sum(2, 0)
    own = figures.Coverage.of(county.grid_a1)
    assert figures.sums_by_part(["people.arrived"], own, [county.grid_a1], MAR)["people.arrived"] == {
        county.grid_a1.id: Sum(2, 0)}


def test_stored_figures_equal_counting_directly(county):
    """The store only keeps what ``compute`` counts: both ways give the same figures."""
    ctx = Context(TODAY, NOW)
    months = [MAR, APR, MAY, JUN]
    everything = [m.ON_RECORD, m.ENTERED, m.ENTERED_ON_TIME, m.CARDS_HELD, m.TENANCIES_ACTIVE, m.TENANCIES_CONFIRMED]
    figures.ensure(everything, months, figures.Coverage.of(county.county), ctx)
    direct = m.compute({x: months for x in everything}, ctx)
    for measure in everything:
        for month in months:
            kept = {g: v for g, v in stored(measure.key, month).items() if v}
            assert kept == {g: v for g, v in direct.get((month, measure.key), {}).items() if v}, (measure.key, month)
    assert db.session.scalar(select(func.count()).select_from(Person)) == 4
