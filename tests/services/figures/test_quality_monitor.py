"""Every data-quality rule on hand-built records: exact counts per area, and fix-it lists
that hold the same records, each saying what is wrong."""
import datetime as dt

import pytest

from app.domain.idcard import make_id_number
from app.extensions import db
from app.models import ChangeRequest, Dwelling, Person, Setting, SweepVisit
from app.services.figures import lists as figure_lists
from app.services.figures import quality
from app.services.figures import store as figures
from app.services.figures.measures import Context

TODAY = dt.date(2026, 6, 15)
NOW = dt.datetime(2026, 6, 15, 4, 0)
TOWN = "341202001"  # 安徽省阜阳市颍州区鼓楼街道


def with_check_x() -> str:
    for seq in range(1000):
        number = make_id_number("341202", dt.date(1985, 3, 3), seq)
        if number.endswith("X"):
            return number
    raise AssertionError


def wrong_check(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


@pytest.fixture
def records(world):
    w = world
    d_a2 = Dwelling(grid_id=w.grid_a2.id, address="文一路 2 号")
    db.session.add(d_a2)
    db.session.commit()

    def person(name, seq, grid=None, id_number="", born=dt.date(1990, 5, 17), **extra):
        grid = grid or w.grid_a1
        home = {w.grid_a1.id: w.dwelling_a1, w.grid_a2.id: d_a2, w.grid_b1.id: w.dwelling_b1}[grid.id]
        p = Person(name=name, grid_id=grid.id, birth_date=born, status=extra.pop("status", "present"),
                   id_number=make_id_number("342101", born or dt.date(1990, 5, 17), seq) if id_number == "" else id_number,
                   hukou_area_code=extra.pop("hukou_area_code", TOWN),
                   dwelling_id=home.id if extra.pop("dwelling", home) is not None else None, **extra)
        db.session.add(p)
        db.session.commit()
        return p

    x = with_check_x()
    r = {
        "good": person("好", 1),
        "no_id": person("无号", 2, id_number=None, born=dt.date(1990, 1, 1)),
        "no_id_child": person("小孩", 3, id_number=None, born=dt.date(2020, 1, 1)),
        "no_id_no_birth": person("无生日", 4, grid=w.grid_a2, id_number=None, born=None),
        "fifteen": person("旧号", 5, id_number="110101900101123"),
        "lower_x": person("小写", 6, id_number=x[:17] + "x"),
        "bad_check": person("错位", 7, id_number=wrong_check(make_id_number("110101", dt.date(1991, 2, 3), 8))),
        "bad_date": person("错日", 8, id_number="110101199002301234"),
        "unknown_code": person("乱码", 9, hukou_area_code="999999"),
        "county_code": person("到县", 10, hukou_area_code="341202"),
        "no_code": person("无户籍", 11, hukou_area_code=None),
        "retired_code": person("旧区划", 17, hukou_area_code="342101"),  # 阜阳地区, retired
        "twin_a": person("双胞", 12, born=dt.date(1995, 5, 5)),
        "twin_b": person("双胞", 13, grid=w.grid_b1, born=dt.date(1995, 5, 5)),
        "eighteen": person("新号", 14, id_number="110101199001011237", grid=w.grid_b1),
        "homeless": person("无房", 15, grid=w.grid_a2, dwelling=None),
        "gone": person("已走", 16, id_number=None, hukou_area_code="999999", status="left", left_on=dt.date(2026, 5, 1)),
    }
    old = dict(kind="phone", source="migrant", payload={}, status="pending")
    db.session.add_all([
        ChangeRequest(person_id=r["good"].id, grid_id=w.grid_a1.id, created_at=NOW - dt.timedelta(days=10), **old),
        ChangeRequest(person_id=r["good"].id, grid_id=w.grid_a1.id, created_at=NOW - dt.timedelta(days=2), **old),
        ChangeRequest(person_id=r["good"].id, grid_id=w.grid_a1.id, created_at=NOW - dt.timedelta(days=30),
                      **{**old, "status": "accepted"}),
    ])
    db.session.commit()
    return r


# The 15-digit 110101900101123 becomes 11010119900101123 + its check character, 7: the
# record "新号" holds that number, so the two are one number written twice.
EXPECTED_TOWN_A = {
    "id_missing": {"无号", "无生日"}, "id_nonstandard": {"旧号", "小写", "错日"}, "id_bad_check": {"错位"},
    "hukou_unknown": {"乱码"}, "hukou_retired": {"旧区划"}, "hukou_not_township": {"到县", "无户籍"},
    "duplicate_id": {"旧号"},
    "duplicate_person": {"双胞"}, "no_dwelling": {"无房"},
    "not_visited": set(),  # all entered today: too recently to have been visited
}


def listed(rule, area, ctx):
    coverage = figures.Coverage.of(area)
    page = figure_lists.page(rule.listing, ctx.scoped(coverage.grid_ids), ctx.current)
    return page


def test_each_rule_counts_and_lists_the_same_records(world, records):
    ctx = Context(TODAY, NOW)
    summary = quality.summary(world.town_a, figures.Coverage.of(world.town_a), ctx)
    for rule in quality.RULES:
        expected = EXPECTED_TOWN_A.get(rule.key)
        page = listed(rule, world.town_a, ctx)
        if rule.key == "pending_overdue":
            assert summary.totals[rule.key] == page.total == 1
            continue
        names = {row.person.name for row in page.items}
        assert names == expected, rule.key
        assert summary.totals[rule.key] == page.total == len(expected), rule.key
        assert all(row.detail for row in page.items if rule.key != "no_dwelling"), rule.key
    assert summary.totals["not_visited"] == 0 and summary.totals["no_dwelling"] == 1


def test_counts_per_part_of_the_area(world, records):
    ctx = Context(TODAY, NOW)
    summary = quality.summary(world.county, figures.Coverage.of(world.county), ctx)
    assert [p.id for p in summary.parts] == [world.town_a.id, world.town_b.id]
    assert summary.counts["duplicate_person"] == {world.town_a.id: 1, world.town_b.id: 1}
    assert summary.counts["duplicate_id"] == {world.town_a.id: 1, world.town_b.id: 1}
    assert summary.counts["id_missing"] == {world.town_a.id: 2, world.town_b.id: 0}
    by_grid = quality.summary(world.comm_a, figures.Coverage.of(world.comm_a), ctx)
    assert by_grid.counts["id_missing"] == {world.grid_a1.id: 1, world.grid_a2.id: 1}


def test_details_say_what_is_wrong(world, records):
    ctx = Context(TODAY, NOW)
    details = {row.person.name: str(row.detail) for rule in quality.RULES
               for row in listed(rule, world.town_a, ctx).items if rule.listing.kind == "person"}
    assert "15 位" in details["旧号"] or "另有记录" in details["旧号"]
    assert "校验位" in details["错位"]
    assert "999999" in details["乱码"]
    assert "县" in details["到县"] or "颍州区" in details["到县"]
    # the other 双胞 lives in township B: only her area is named, not her name or number
    twin = next(row for row in listed(quality.BY_KEY["duplicate_person"], world.town_a, ctx).items)
    assert "西溪街道" in str(twin.detail) and "110101" not in str(twin.detail)


def test_thresholds_are_settings(world, records):
    db.session.add_all([Setting(key="quality.pending_days", value=1), Setting(key="quality.id_exempt_under_age", value=3)])
    db.session.commit()
    ctx = Context(TODAY, NOW)
    summary = quality.summary(world.town_a, figures.Coverage.of(world.town_a), ctx)
    assert summary.totals["pending_overdue"] == 2
    assert summary.totals["id_missing"] == 3  # the six-year-old too


def test_the_pending_list_links_to_the_review(world, records):
    rule = quality.BY_KEY["pending_overdue"]
    page = listed(rule, world.town_a, Context(TODAY, NOW))
    row = page.items[0]
    assert rule.listing.fix.endpoint == "grid.review" and row.value(rule.listing.fix.attr) == row.obj.id
    assert "10" in str(row.detail)


# -- Records not visited by the monthly sweep (3 months by default: April to June) --------------

LONG_AGO = dt.datetime(2026, 1, 10, 2)


@pytest.fixture
def sweep(world):
    w = world
    homes = {name: Dwelling(grid_id=grid.id, address=name) for name, grid in (
        ("五月走访", w.grid_a1), ("三月走访", w.grid_a1), ("从未走访", w.grid_a2), ("四月一日", w.grid_a2),
        ("本月走访", w.grid_a1), ("西溪", w.grid_b1))}
    db.session.add_all(homes.values())
    db.session.flush()
    for home, months in (("五月走访", [(2026, 5)]), ("三月走访", [(2025, 12), (2026, 3)]), ("四月一日", [(2026, 4)]),
                         ("本月走访", [(2026, 2), (2026, 6)])):
        d = homes[home]
        db.session.add_all(SweepVisit(dwelling_id=d.id, grid_id=d.grid_id, month=dt.date(*m, 1), result="no_change")
                           for m in months)

    def person(name, seq, home, entered_at=LONG_AGO, **extra):
        d = homes.get(home)
        grid = extra.pop("grid", None) or (w.grid_a1 if d is None else db.session.get(type(w.grid_a1), d.grid_id))
        return w.person(name, grid=grid, seq=seq, dwelling=d, entered_at=entered_at, **extra)

    people = {
        "近访": person("近访", 1, "五月走访"),
        "久未访": person("久未访", 2, "三月走访"),
        "未访": person("未访", 3, "从未走访"),
        "四月访": person("四月访", 4, "四月一日"),
        "本月访": person("本月访", 5, "本月走访"),
        "无住所": person("无住所", 6, None, grid=w.grid_a2),
        # 15 March 2026 in Beijing is three months before 15 June: entered that day is not
        # "more than three months ago"; the evening before is.
        "刚满": person("刚满", 7, "从未走访", entered_at=dt.datetime(2026, 3, 14, 16, 30)),
        "刚过": person("刚过", 8, "从未走访", entered_at=dt.datetime(2026, 3, 14, 15, 30)),
        "新登记": person("新登记", 9, "从未走访", entered_at=dt.datetime(2026, 5, 1, 2)),
        "已走": person("已走", 10, "从未走访", status="left", left_on=dt.date(2026, 5, 1)),
        "西溪": person("西溪", 11, "西溪"),
    }
    db.session.commit()
    return people


NOT_VISITED_A = {"久未访", "未访", "无住所", "刚过"}


def test_records_not_visited_are_counted_and_listed(world, sweep):
    rule = quality.BY_KEY["not_visited"]
    ctx = Context(TODAY, NOW)
    summary = quality.summary(world.county, figures.Coverage.of(world.county), ctx)
    assert summary.totals["not_visited"] == 5
    assert summary.counts["not_visited"] == {world.town_a.id: 4, world.town_b.id: 1}
    by_grid = quality.summary(world.comm_a, figures.Coverage.of(world.comm_a), ctx)
    assert by_grid.counts["not_visited"] == {world.grid_a1.id: 1, world.grid_a2.id: 3}
    page = listed(rule, world.town_a, ctx)
    assert {row.person.name for row in page.items} == NOT_VISITED_A and page.total == 4
    # the list over the grids the count found something in holds the same
    scoped = quality.list_context(rule, figures.Coverage.of(world.town_a), ctx)
    shown = figure_lists.page(rule.listing, scoped, ctx.current)
    assert {row.person.name for row in shown.items} == NOT_VISITED_A


def test_records_not_visited_say_when_their_dwelling_was_last_visited(world, sweep):
    rule = quality.BY_KEY["not_visited"]
    rows = {row.person.name: row for row in listed(rule, world.town_a, Context(TODAY, NOW)).items}
    assert str(rows["久未访"].detail) == "住所最近一次走访：2026-03"
    assert str(rows["未访"].detail) == str(rows["刚过"].detail) == "住所从未走访"
    assert str(rows["无住所"].detail) == "未登记住所"
    fix = rule.listing.fix
    assert fix.endpoint == "grid.sweep"
    home = rows["久未访"]
    assert home.value(fix.attr) == world.grid_a1.id and home.anchor(fix) == f"sweep-{home.person.dwelling_id}"
    assert rows["无住所"].value(fix.attr) is None  # no dwelling to visit: the row opens the person


def test_the_months_not_visited_are_a_setting(world, sweep):
    ctx = Context(TODAY, NOW)
    coverage = figures.Coverage.of(world.town_a)
    assert quality.summary(world.town_a, coverage, ctx).totals["not_visited"] == 4
    # Four months: March counts as visited, and only people entered before 15 February.
    db.session.add(Setting(key="quality.not_visited_months", value=4))
    db.session.commit()
    ctx = Context(TODAY, NOW)  # a context reads each setting once
    again = quality.summary(world.town_a, coverage, ctx)  # the stored counts are out of date
    assert again.totals["not_visited"] == 2
    assert {row.person.name for row in listed(quality.BY_KEY["not_visited"], world.town_a, ctx).items} == {
        "未访", "无住所"}
    db.session.get(Setting, "quality.not_visited_months").value = 1  # June's visits only; entered before 15 May
    db.session.commit()
    names = {row.person.name for row in listed(quality.BY_KEY["not_visited"], world.town_a, Context(TODAY, NOW)).items}
    assert names == {"近访", "久未访", "未访", "四月访", "无住所", "刚满", "刚过", "新登记"}
