"""Every KPI measure on a small hand-built county, month by month: exact figures."""
from figures_data import APR, JAN, JUN, MAR, MAY, NOW, TODAY

from app.extensions import db
from app.models import Setting
from app.services.figures import measures as m
from app.services.figures.measures import Context


def counts(measure, months, grid_ids=None):
    """{month: {grid: figure}}, leaving out grids counted 0."""
    ctx = Context(TODAY, NOW, grid_ids)
    found = m.compute({measure: months}, ctx)
    return {month: {g: v for g, v in found.get((month, measure.key), {}).items() if v != 0} for month in months}


def test_people_on_record_at_each_month_end(county):
    a1, a2 = county.grid_a1.id, county.grid_a2.id
    got = counts(m.ON_RECORD, [JAN, MAR, APR, MAY, JUN])
    assert got[JAN] == {a1: 1}  # p3
    assert got[MAR] == {a1: 2}  # p1, p3; p2 was entered on 1 April, Beijing time
    assert got[APR] == {a1: 2}  # p1, p2; p3 left on the last day of April
    assert got[MAY] == {a1: 2, a2: 1}
    assert got[JUN] == {a1: 2, a2: 1}


def test_arrivals_departures_and_the_24_hour_rule(county):
    a1, a2 = county.grid_a1.id, county.grid_a2.id
    assert counts(m.ARRIVED, [MAR, MAY]) == {MAR: {a1: 2}, MAY: {a2: 1}}
    assert counts(m.LEFT, [APR]) == {APR: {a1: 1}}
    # p4's collection time is unknown: not counted either way
    assert counts(m.ENTERED, [JAN, MAR, APR, MAY]) == {JAN: {a1: 1}, MAR: {a1: 1}, APR: {a1: 1}, MAY: {}}
    assert counts(m.ENTERED_ON_TIME, [JAN, MAR, APR]) == {JAN: {a1: 1}, MAR: {a1: 1}, APR: {}}


def test_the_entry_limit_is_a_setting(county):
    db.session.add(Setting(key="person.entry_hours", value=48))
    db.session.commit()
    assert counts(m.ENTERED_ON_TIME, [APR]) == {APR: {county.grid_a1.id: 1}}  # exactly 48 hours


def test_cards_held_are_printed_not_revoked_and_their_holder_on_record(county):
    a1 = county.grid_a1.id
    got = counts(m.CARDS_HELD, [JAN, MAR, APR, JUN])
    assert got == {JAN: {a1: 1}, MAR: {a1: 2}, APR: {a1: 1}, JUN: {a1: 1}}


def test_tenancies_active_and_confirmed_by_the_landlord(county):
    a1 = county.grid_a1.id
    assert counts(m.TENANCIES_ACTIVE, [MAR, APR, JUN]) == {MAR: {a1: 2}, APR: {a1: 2}, JUN: {a1: 2}}
    assert counts(m.TENANCIES_CONFIRMED, [MAR, APR]) == {MAR: {a1: 2}, APR: {a1: 1}}


def test_estimates_are_summed_values_unknown_where_not_entered(county):
    got = counts(m.ESTIMATE, [JUN])[JUN]
    assert got == {county.grid_a1.id: 4, county.grid_a2.id: None, county.grid_b1.id: 10}


def test_counting_only_some_grids(county):
    a2 = county.grid_a2.id
    assert counts(m.ON_RECORD, [JUN], grid_ids=[a2]) == {JUN: {a2: 1}}
    assert counts(m.ON_RECORD, [JUN], grid_ids=[]) == {JUN: {}}
