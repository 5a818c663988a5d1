"""The data-quality monitor: each rule counted per area and listed for fixing.

The categories are those of the monitoring report in seed 001 (身份证号码未登记、不规范和
校验位错误；重卡；地址未登记到乡镇（街道）), plus what a station checks besides: pending
reports left waiting, people without a dwelling, records the monthly sweep has not
visited for ``quality.not_visited_months`` months. Rules look at people present (the
ledger a station keeps up to date), and at reports still pending.

A rule is one condition on a source (``services.figures.measures``): the monitor counts it per
grid (``quality.<key>`` in the figure store) and its fix-it list selects the same rows,
each with what is wrong and a link to the form that puts it right.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, false, func, or_, select, tuple_

from ...domain import quality as rules
from ...domain.figures import Sum
from ...domain.idcard import mask_id_number
from ...domain.months import Month, utc_midnight
from ...domain.text import N_, Message
from ...extensions import db
from ...models import ChangeRequest, Person, SweepVisit
from ..common.skip_scan import distinct_values
from ..common.bulk import any_of
from ..common.sql_rules import id_body, id_fault
from ..registry.people import area_label
from ..rental import sweeps
from . import report_areas
from . import store as figures
from .lists import Fix, ListDef
from .measures import Context, Measure, Source

PRESENT = Source("present", lambda ctx: select(
    Person.id, Person.grid_id, Person.name, Person.birth_date, Person.hukou_area_code, Person.dwelling_id,
    Person.id_number).where(Person.status == "present"), lambda: Person.grid_id)

# The ID number test is long: worked out once per person, then compared for each rule.
ID_CHECKED = Source("id_checked", lambda ctx: select(
    Person.id, Person.grid_id, Person.birth_date, id_fault(Person.id_number, ctx.today).label("id_fault"))
    .where(Person.status == "present"), lambda: Person.grid_id, materialize=True)


def _not_visited_months(ctx: Context) -> int:
    return int(ctx.setting("quality.not_visited_months"))


def _unvisited(ctx: Context):
    """People present whose dwelling has no sweep visit in the recent months, or who have
    no dwelling (the rule's condition adds the date of entry).

    The visits are tested in the WHERE clause, where PostgreSQL plans ``NOT EXISTS`` as
    an anti-join (the visits hashed once: 0.05 s a township, 0.9 s a county of 1,000,000
    people). In a rule's condition it is an index probe per person (3.5 s a county); ``NOT
    IN`` a subquery would hash the visits, but a county's overflow the memory allowed for
    that, and are then scanned again for every person (still running after 13 minutes).

    A dwelling stays in its grid and its people live in that grid, so each person is
    matched with the visits of their own grid: counting a township reads the township's
    visits only (``ix_sweep_visit_grid_month``), and the answer does not depend on the
    scope."""
    since = rules.visits_since(ctx.today, _not_visited_months(ctx))
    visits = select(SweepVisit.id).where(SweepVisit.dwelling_id == Person.dwelling_id,
                                         SweepVisit.grid_id == Person.grid_id, SweepVisit.month >= since)
    if ctx.grid_ids is not None:
        visits = visits.where(any_of(SweepVisit.grid_id, ctx.grid_ids))
    return select(Person.id, Person.grid_id, Person.entered_at).where(Person.status == "present", ~visits.exists())


UNVISITED = Source("unvisited", _unvisited, lambda: Person.grid_id)

PENDING = Source("pending", lambda ctx: select(ChangeRequest.id, ChangeRequest.grid_id, ChangeRequest.created_at)
                 .where(ChangeRequest.status == "pending"), lambda: ChangeRequest.grid_id)


# -- Conditions ---------------------------------------------------------------------------------

def _id_missing(c, month: Month, ctx: Context):
    born_by = rules.id_exempt_born_after(ctx.today, int(ctx.setting("quality.id_exempt_under_age")))
    return and_(c.id_fault == rules.MISSING, or_(c.birth_date.is_(None), c.birth_date <= born_by))


def _hukou_codes(ctx: Context) -> dict[str, list[str]]:
    """The distinct household codes on record, by fault (``""`` for none): a few thousand
    codes, classified with ``domain.quality``. All of the register's, read by skipping
    through ``ix_person_hukou_area_code``; the conditions built from them are applied to
    the people present in the grids counted, so codes held only elsewhere change nothing."""
    def classify():
        out: dict[str, list[str]] = {rules.UNKNOWN_CODE: [], rules.RETIRED_CODE: [], rules.NOT_TOWNSHIP: [], "": []}
        for code in db.session.scalars(distinct_values(Person, "hukou_area_code")):
            problem = rules.hukou_problem(code)
            out[problem[0] if problem else ""].append(code)
        return out
    return ctx.remember("hukou_codes", classify, everywhere=True)


def _code_in(column, codes: dict[str, list[str]], fault: str):
    """``column`` holds one of the codes of ``fault``: as an IN list, or, when most codes
    have the fault, as NOT IN the others (the shorter list of the two)."""
    mine = codes[fault]
    others = [code for key, found in codes.items() if key != fault for code in found]
    if not mine:
        return false()
    if len(mine) <= len(others):
        return column.in_(mine)
    return and_(column.is_not(None), column != "", column.not_in(others)) if others else and_(
        column.is_not(None), column != "")


def _hukou_unknown(c, month: Month, ctx: Context):
    return _code_in(c.hukou_area_code, _hukou_codes(ctx), rules.UNKNOWN_CODE)


def _hukou_retired(c, month: Month, ctx: Context):
    return _code_in(c.hukou_area_code, _hukou_codes(ctx), rules.RETIRED_CODE)


def _hukou_not_township(c, month: Month, ctx: Context):
    return or_(c.hukou_area_code.is_(None), c.hukou_area_code == "",
               _code_in(c.hukou_area_code, _hukou_codes(ctx), rules.NOT_TOWNSHIP))


def _duplicate_bodies(ctx: Context) -> list[str]:
    """The ID-number bodies held by more than one record anywhere: one ordered pass over
    ``ix_person_id_body``, then each record is looked up in this short list (probing the
    index once per person took 10 µs each, 9 s for a county)."""
    def find():
        body = id_body(Person.id_number)
        return list(db.session.scalars(select(body).where(Person.id_number.is_not(None), Person.id_number != "")
                                       .group_by(body).having(func.count() > 1)))
    return ctx.remember("duplicate_bodies", find, everywhere=True)


def _duplicate_people(ctx: Context) -> list[tuple]:
    """(name, birth date, household place) held by more than one record anywhere: the
    namesakes born the same day (one pass over ``ix_person_name_birth``), then, among
    them only, those of the same place."""
    def find():
        namesakes = [tuple(r) for r in db.session.execute(
            select(Person.name, Person.birth_date).where(Person.birth_date.is_not(None))
            .group_by(Person.name, Person.birth_date).having(func.count() > 1))]
        if not namesakes:
            return []
        return [tuple(r) for r in db.session.execute(
            select(Person.name, Person.birth_date, Person.hukou_area_code)
            .where(tuple_(Person.name, Person.birth_date).in_(namesakes), Person.hukou_area_code.is_not(None))
            .group_by(Person.name, Person.birth_date, Person.hukou_area_code).having(func.count() > 1))]
    return ctx.remember("duplicate_people", find, everywhere=True)


def _same_id(c, month: Month, ctx: Context):
    bodies = _duplicate_bodies(ctx)
    if not bodies:
        return false()
    return and_(c.id_number.is_not(None), c.id_number != "", id_body(c.id_number).in_(bodies))


def _same_person(c, month: Month, ctx: Context):
    keys = _duplicate_people(ctx)
    if not keys:
        return false()
    return tuple_(c.name, c.birth_date, c.hukou_area_code).in_(keys)


def _waiting(c, month: Month, ctx: Context):
    return c.created_at < ctx.now - dt.timedelta(days=int(ctx.setting("quality.pending_days")))


def _entered_long_ago(c, month: Month, ctx: Context):
    return c.entered_at < utc_midnight(rules.entered_before(ctx.today, _not_visited_months(ctx)))


# -- Details: what exactly is wrong with each listed record -------------------------------------

def _id_details(people, ctx: Context, month: Month):
    out = {}
    for p in people:
        problem = rules.id_problem(p.id_number, ctx.today)
        out[p.id] = problem[1] if problem else None
    return out


def _hukou_details(people, ctx: Context, month: Month):
    out = {}
    for p in people:
        problem = rules.hukou_problem(p.hukou_area_code)
        out[p.id] = problem[1] if problem else None
    return out


def _in_scope(ctx: Context, grid_id: int) -> bool:
    return ctx.grid_ids is None or grid_id in ctx.grid_ids


def _partners(people, ctx: Context, key, condition):
    """For each person, the other records with the same ``key``; those outside the
    list's area are described by their area only (their names are not the viewer's)."""
    wanted = {key(p) for p in people if key(p)}
    if not wanted:
        return {}
    others = db.session.scalars(select(Person).where(condition(wanted))).all()
    out = {}
    for p in people:
        found = [o for o in others if o.id != p.id and key(o) == key(p)]
        described = [f"{o.name} {mask_id_number(o.id_number) or '—'}（{area_label(o.grid)}）"
                     if _in_scope(ctx, o.grid_id) else area_label(o.grid) for o in found]
        if described:
            out[p.id] = Message(N_("另有记录：%(others)s"), others="；".join(described))
    return out


def _same_id_details(people, ctx: Context, month: Month):
    return _partners(people, ctx, lambda p: rules.id_body(p.id_number),
                     lambda bodies: id_body(Person.id_number).in_(bodies))


def _same_person_details(people, ctx: Context, month: Month):
    def key(p):
        return (p.name, p.birth_date, p.hukou_area_code) if p.birth_date and p.hukou_area_code else None

    def condition(keys):
        return or_(*(and_(Person.name == n, Person.birth_date == b, Person.hukou_area_code == h) for n, b, h in keys))
    return _partners(people, ctx, key, condition)


def _waiting_details(changes, ctx: Context, month: Month):
    return {c.id: Message(N_("已等待 %(days)s 天"), days=(ctx.now - c.created_at).days) for c in changes}


def _visit_details(people, ctx: Context, month: Month):
    last = sweeps.last_visits([p.dwelling_id for p in people if p.dwelling_id])
    out = {}
    for p in people:
        if p.dwelling_id is None:
            out[p.id] = Message(N_("未登记住所"))
        elif p.dwelling_id in last:
            out[p.id] = Message(N_("住所最近一次走访：%(month)s"), month=Month.from_date(last[p.dwelling_id]).key)
        else:
            out[p.id] = Message(N_("住所从未走访"))
    return out


# -- The rules ----------------------------------------------------------------------------------

EDIT = Fix("grid.edit_person", "person_id", "id", N_("修改"))
PERSON = Fix("grid.person", "person_id", "id", N_("核查"))
MOVE = Fix("grid.move_person", "person_id", "id", N_("登记住所"))
REVIEW = Fix("grid.review", "change_id", "id", N_("审核"))
VISIT = Fix("grid.sweep", "grid", "dwelling.grid_id", N_("去走访"), anchor="sweep-{obj.dwelling_id}")


@dataclass(frozen=True, eq=False)
class Rule:
    key: str
    label: str
    short: str  # a column heading
    explain: str
    measure: Measure
    listing: ListDef


def _rule(key, label, short, explain, source, condition, *, detail=None, fix=EDIT, kind="person",
          settings=()) -> Rule:
    measure = Measure(f"quality.{key}", source, condition, current_only=True, settings=settings)
    return Rule(key, label, short, explain, measure,
                ListDef(key, label, source, condition, kind=kind, detail=detail, fix=fix))


RULES: tuple[Rule, ...] = (
    _rule("id_missing", N_("身份证号码未登记"), N_("无号码"), N_("在住人员没有身份证号码（未满设定年龄的儿童除外）"),
          ID_CHECKED, _id_missing, detail=_id_details, settings=("quality.id_exempt_under_age",)),
    _rule("id_nonstandard", N_("身份证号码不规范"), N_("不规范"),
          N_("位数、字符或出生日期不对，或是 15 位旧号码、含小写 x、空格等非标准写法"),
          ID_CHECKED, lambda c, m, ctx: c.id_fault == rules.NONSTANDARD, detail=_id_details),
    _rule("id_bad_check", N_("身份证号码校验位错误"), N_("校验位错"),
          N_("前 17 位算出的校验位与最后一位不符，多为抄错一位"),
          ID_CHECKED, lambda c, m, ctx: c.id_fault == rules.BAD_CHECK, detail=_id_details),
    _rule("hukou_unknown", N_("户籍地代码不在区划库中"), N_("代码无效"),
          N_("户籍地代码在现行和历史区划代码中都查不到"),
          PRESENT, _hukou_unknown, detail=_hukou_details),
    _rule("hukou_retired", N_("户籍地代码为已撤销的区划"), N_("旧区划"),
          N_("户籍地是已撤销的旧区划代码（如旧身份证号的地址码），地方真实存在，请改为现行区划"),
          PRESENT, _hukou_retired, detail=_hukou_details),
    _rule("hukou_not_township", N_("户籍地址未登记到乡镇（街道）"), N_("未到乡镇"),
          N_("户籍地未登记，或只登记到省、市、县"),
          PRESENT, _hukou_not_township, detail=_hukou_details),
    _rule("duplicate_id", N_("重复登记：身份证号相同"), N_("同号重复"),
          N_("同一号码有两条记录（15 位与 18 位各一条，或校验位抄错），含其他区域的记录"),
          PRESENT, _same_id, detail=_same_id_details, fix=PERSON),
    _rule("duplicate_person", N_("重复登记：姓名、出生日期、户籍地相同"), N_("同人重复"),
          N_("可能是同一人登记了两次，请核实后注销或合并"),
          PRESENT, _same_person, detail=_same_person_details, fix=PERSON),
    _rule("pending_overdue", N_("待审核超期"), N_("审核超期"), N_("本人或他人报告的变更超过设定天数仍未审核"),
          PENDING, _waiting, detail=_waiting_details, fix=REVIEW, kind="change", settings=("quality.pending_days",)),
    _rule("no_dwelling", N_("在住人员未登记住所"), N_("无住所"), N_("以房管人：在住人员应登记现住所"),
          PRESENT, lambda c, m, ctx: c.dwelling_id.is_(None), fix=MOVE),
    _rule("not_visited", N_("住所多月未走访"), N_("未走访"),
          N_("登记已超过设定月数，住所在最近这些月（含本月）的每月入户核查中都没有走访，或未登记住所"),
          UNVISITED, _entered_long_ago, detail=_visit_details, fix=VISIT, settings=("quality.not_visited_months",)),
)

TITLE = N_("数据质量")
BY_KEY = {r.key: r for r in RULES}
MEASURES = [r.measure for r in RULES]


def list_context(rule: Rule, coverage: figures.Coverage, ctx: Context) -> Context:
    """Where a fix-it list looks: the grids in which the rule's count (fresh, as the
    summary's) found anything. Finding a county's few bad check characters means testing
    every ID number; this way only the grids that have some are read again. A record
    fixed since drops off the list at once; a fault made since, in a grid that had none,
    shows with the next count (``figures.max_age_minutes``)."""
    stored = figures.ensure([rule.measure], [ctx.current], coverage, ctx)
    if stored.counting.missing:  # not counted yet: look everywhere rather than nowhere
        return coverage.context(ctx)
    grids = figures.grids_with(rule.measure.key, coverage, ctx.current)
    if len(grids) == len(coverage.grid_ids):  # every grid has some: no narrower than the area
        return coverage.context(ctx)
    return ctx.scoped(grids)


@dataclass
class Summary:
    parts: list
    counts: dict[str, dict[int, int]]  # rule key → part id → count
    totals: dict[str, int]
    counted_at: dt.datetime | None
    counting: figures.Counting = figures.Counting()  # what a background job is counting meanwhile


def summary(area, coverage: figures.Coverage, ctx: Context, *, refresh: bool = False) -> Summary:
    """Every rule's count now, for the area and each of its parts."""
    month = ctx.current
    stored = figures.ensure(MEASURES, [month], coverage, ctx, force_current=refresh)
    parts = report_areas.children(area)
    by_part = figures.sums_by_part([r.measure.key for r in RULES], coverage, parts, month)
    counts = {r.key: {p.id: by_part[r.measure.key].get(p.id, Sum()).value for p in parts} for r in RULES}
    totals = {r.key: stored.sum(month, r.measure.key).value for r in RULES}
    return Summary(parts, counts, totals, stored.counted_at.get(month), stored.counting)
