"""A small county with known figures, shared by the tests of the figures (imported by
name: pytest puts this folder on the path)."""
import datetime as dt

from app.domain.months import Month
from app.extensions import db
from app.models import Card, Tenancy

TODAY = dt.date(2026, 6, 15)
NOW = dt.datetime(2026, 6, 15, 4, 0)  # UTC: 12:00 in Beijing
MAR, APR, MAY, JUN = Month(2026, 3), Month(2026, 4), Month(2026, 5), Month(2026, 6)
JAN = Month(2026, 1)


def utc(*args):
    return dt.datetime(*args)


def build_county(world):
    """Grid A1: p1 (on time, March), p2 (late, entered 01:00 Beijing time on 1 April),
    p3 (January, left 30 April); grid A2: p4 (May, collection time unknown)."""
    w = world
    p1 = w.person("甲", seq=1, entered_at=utc(2026, 3, 5, 2), collected_at=utc(2026, 3, 4, 10),
                  arrived_on=dt.date(2026, 3, 4))
    p2 = w.person("乙", seq=2, entered_at=utc(2026, 3, 31, 17), collected_at=utc(2026, 3, 29, 17),
                  arrived_on=dt.date(2026, 3, 29))
    p3 = w.person("丙", seq=3, entered_at=utc(2026, 1, 10, 3), collected_at=utc(2026, 1, 10, 1),
                  arrived_on=dt.date(2026, 1, 10), status="left", left_on=dt.date(2026, 4, 30))
    p4 = w.person("丁", seq=4, grid=w.grid_a2, entered_at=utc(2026, 5, 20, 3), collected_at=None,
                  arrived_on=dt.date(2026, 5, 19))
    db.session.add_all([
        Card(person_id=p1.id, token_hash="t1", code_hash="c1", printed_at=utc(2026, 3, 6)),
        Card(person_id=p2.id, token_hash="t2", code_hash="c2"),  # never printed
        Card(person_id=p3.id, token_hash="t3", code_hash="c3", printed_at=utc(2026, 1, 12),
             revoked_at=utc(2026, 4, 30, 2)),
        Tenancy(person_id=p1.id, dwelling_id=w.dwelling_a1.id, start_on=dt.date(2026, 3, 5),
                confirmed_by_landlord_at=utc(2026, 3, 20)),
        Tenancy(person_id=p2.id, dwelling_id=w.dwelling_a1.id, start_on=dt.date(2026, 4, 1)),
        Tenancy(person_id=p3.id, dwelling_id=w.dwelling_a1.id, start_on=dt.date(2026, 1, 10),
                end_on=dt.date(2026, 4, 30), confirmed_by_landlord_at=utc(2026, 2, 10)),
    ])
    w.grid_a1.estimated_population, w.grid_b1.estimated_population = 4, 10
    db.session.commit()
    w.p1, w.p2, w.p3, w.p4 = p1, p2, p3, p4
    return w
