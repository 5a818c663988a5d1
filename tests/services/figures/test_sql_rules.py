"""The SQL forms of the domain rules give the domain's answers, on both databases."""
import datetime as dt
import random

from sqlalchemy import column, literal, select, text, union_all

from app.domain import quality
from app.domain.idcard import make_id_number
from app.extensions import db
from app.services.common.sql_rules import id_body, id_fault, within_hours

TODAY = dt.date(2026, 6, 15)


def corpus() -> list[str | None]:
    rng = random.Random(5)
    valid = [make_id_number("110101", dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(27000)), rng.randrange(1000))
             for _ in range(60)]
    wrong_check = [v[:17] + ("0" if v[17] != "0" else "1") for v in valid[:15]]
    crafted = [
        None, "", "11010119900101123", "1101011990010112345", "11010119900101123x", "110101 19900101 1234",
        "110101900101123", "11010190010112", "１１０１０１１９９００１０１１２３X", "11010119901301123X",
        make_id_number("110101", dt.date(2000, 2, 29), 1), "110101" + "19000229" + "0011",  # 1900 is no leap year
        "110101" + "20010229" + "0011", "110101" + "19990431" + "0011", "110101" + "18991231" + "0011",
        "110101" + "20270101" + "0011", make_id_number("110101", TODAY, 5), "ABCDEFGHIJKLMNOPQR", "1" * 18,
        make_id_number("110101", dt.date(1988, 12, 31), 999)[:17] + "X",
    ]
    # one character changed anywhere: dates, form and check character all get hit
    mutated = []
    for _ in range(150):
        v = rng.choice(valid)
        i = rng.randrange(18)
        mutated.append(v[:i] + rng.choice("0123456789Xx -") + v[i + 1:])
    return valid + wrong_check + crafted + mutated


def test_id_faults_in_sql_match_the_domain_rule(ctx):
    values = corpus()
    rows = union_all(*(select(literal(i).label("i"), literal(v).label("v")) for i, v in enumerate(values))).subquery()
    got = dict(db.session.execute(select(rows.c.i, id_fault(rows.c.v, TODAY))).all())
    for i, value in enumerate(values):
        expected = quality.id_problem(value, TODAY)
        assert got[i] == (expected[0] if expected else None), value


def test_id_body_in_sql_matches_the_domain_rule(ctx):
    values = ["110101199001011234", "110101900101123", "11010119900101123X", "12345"]
    rows = union_all(*(select(literal(v).label("v")) for v in values)).subquery()
    got = list(db.session.scalars(select(id_body(rows.c.v))))
    assert got == [quality.id_body(v) for v in values]
    assert quality.id_body("110101900101123") == quality.id_body("110101199001011234")


def test_the_duplicate_check_can_use_its_index(world):
    world.person("甲", seq=1)
    probe = select(column("id")).select_from(text("person")).where(id_body(column("id_number")) == "11010119900101123")
    sql = str(probe.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(r[0] for r in conn.execute(text("EXPLAIN " + sql)))
    else:
        plan = "\n".join(str(r[-1]) for r in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "ix_person_id_body" in plan, plan


def test_within_hours(ctx):
    start = dt.datetime(2026, 1, 1, 10, 0)
    cases = [(start + dt.timedelta(hours=h), h) for h in (1, 23.99, 24, 24.01, 30)]
    rows = union_all(*(select(literal(start).label("a"), literal(end).label("b"), literal(h).label("h"))
                       for end, h in cases)).subquery()
    got = {float(h): bool(ok) for h, ok in db.session.execute(select(rows.c.h, within_hours(rows.c.a, rows.c.b, 24)))}
    assert got == {1.0: True, 23.99: True, 24.0: True, 24.01: False, 30.0: False}
