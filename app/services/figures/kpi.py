"""The KPIs of the station's dashboard: each a rate of two measures with a target.

Adding a KPI is one ``Kpi`` below (its measures in ``services.figures.measures``) and the lists
a figure opens (``ListDef``, usually the same conditions). Service types are data: each
active type has its coverage KPI (done / due in the month) with its overdue count, made
by ``service_kpis`` from the admin's list.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, not_, select

from ...domain import figures as rules
from ...domain.figures import Ratio, Sum
from ...domain.months import Month
from ...domain.text import N_, Message
from ...extensions import db
from ...models import Area, Card, SweepVisit
from ..health import service_types
from ..rental import sweeps
from . import measures as m
from . import report_areas
from . import store as figures
from .lists import Fix, ListDef
from .measures import Context


def _late_entries(people, ctx: Context, month: Month) -> dict[int, Message]:
    out = {}
    for p in people:
        if p.collected_at and p.entered_at:
            hours = (p.entered_at - p.collected_at).total_seconds() / 3600
            out[p.id] = Message(N_("采集后 %(hours)s 小时录入"), hours=f"{hours:.0f}")
    return out


def _card_states(people, ctx: Context, month: Month) -> dict[int, Message]:
    """Why each person has no valid card: none at all, or one never printed."""
    unprinted = set(db.session.scalars(select(Card.person_id).where(
        Card.person_id.in_([p.id for p in people]), Card.revoked_at.is_(None), Card.printed_at.is_(None))))
    return {p.id: Message(N_("联系卡已开具，尚未打印发放")) if p.id in unprinted else Message(N_("没有有效的联系卡"))
            for p in people}


def _unconfirmed(tenancies, ctx: Context, month: Month) -> dict[int, Message]:
    return {t.id: Message(N_("%(date)s 入住，房东尚未确认"), date=t.start_on.isoformat()) for t in tenancies}


def _has_valid_card(c, month: Month):
    card = Card.__table__.c
    return exists().where(card.person_id == c.id, m.card_valid(card, month))


def _with_valid_card(c, month: Month, ctx: Context):
    return and_(m.on_record(c, month), _has_valid_card(c, month))


def _without_valid_card(c, month: Month, ctx: Context):
    return and_(m.on_record(c, month), not_(_has_valid_card(c, month)))


def _swept(c, month: Month):
    visit = SweepVisit.__table__.c
    return exists().where(visit.dwelling_id == c.id, visit.month == month.first)


def _last_sweeps(dwellings, ctx: Context, month: Month) -> dict[int, Message]:
    """When each dwelling not visited in the month was last visited, if ever."""
    last = sweeps.last_visits([d.id for d in dwellings])
    return {d.id: Message(N_("上次走访：%(month)s"), month=last[d.id].strftime("%Y-%m")) if d.id in last
            else Message(N_("从未走访")) for d in dwellings}


def _appointment_states(appointments, ctx: Context, month: Month) -> dict[int, Message]:
    """Not done yet, and how often the person did not come (the date is on the line)."""
    return {a.id: Message(N_("尚未完成，未到 %(n)s 次"), n=a.no_shows) if a.no_shows else Message(N_("尚未完成"))
            for a in appointments}


PERSON_PAGE = Fix("grid.person", "person_id", "id", N_("查看"))
DWELLING_PAGE = Fix("grid.dwelling", "dwelling_id", "dwelling_id", N_("查看住所"))
SWEEP_PAGE = Fix("grid.dwelling", "dwelling_id", "id", N_("查看住所"))
TO_SWEEP = Fix("grid.sweep", "grid", "grid_id", N_("去走访"), anchor="sweep-{obj.id}")
APPOINTMENT_PAGE = Fix("station.appointment", "appointment_id", "id", N_("记录结果"))


def _on_record_where_estimated(c, month: Month, ctx: Context):
    """Who the registration rate counts: on record, in a grid with an estimate."""
    estimated = select(Area.id).where(Area.estimated_population.is_not(None))
    return and_(m.on_record(c, month), c.grid_id.in_(estimated))


ON_RECORD_LIST = ListDef("on_record", N_("月末在册人员"), m.PEOPLE, _on_record_where_estimated, fix=PERSON_PAGE)


@dataclass(frozen=True, eq=False)
class Kpi:
    key: str
    label: str
    numerator: m.Measure
    denominator: m.Measure
    target: str  # the setting holding the target, in percent
    explain: str
    counts: str  # the numerator and denominator in words: "在册 %(n)s / 估计 %(d)s"
    counted: ListDef | None = None  # who the numerator counts
    missing: ListDef | None = None  # who the denominator counts and the numerator does not
    params: dict = field(default_factory=dict)  # setting keys filled into label/explain
    values: dict = field(default_factory=dict)  # values filled into them (a service's name)
    overdue: m.Measure | None = None  # a count of the current month shown beside the rate
    overdue_list: ListDef | None = None

    def text(self, template: str, setting) -> Message:
        """``label`` or ``explain`` with the settings it names filled in (``setting(key)``)."""
        return Message(template, **self.values, **{name: setting(key) for name, key in self.params.items()})

    def lists(self) -> dict[str, ListDef]:
        parts = (("missing", self.missing), ("counted", self.counted), ("overdue", self.overdue_list))
        return {part: listing for part, listing in parts if listing}


KPIS: tuple[Kpi, ...] = (
    Kpi("registration", N_("登记率"), m.ON_RECORD, m.ESTIMATE, "kpi.target.registration",
        N_("月末在册人数占各网格估计流动人口数的比例；未填写估计数的网格不计入"), N_("在册 %(n)s / 估计 %(d)s"),
        counted=ON_RECORD_LIST),
    Kpi("cards", N_("发卡率"), m.CARDS_HELD, m.ON_RECORD, "kpi.target.cards",
        N_("月末在册人员中持有已打印、未停用的便民服务联系卡的比例"), N_("持卡 %(n)s / 在册 %(d)s"),
        counted=ListDef("cards_held", N_("持卡人员"), m.PEOPLE, _with_valid_card, fix=PERSON_PAGE),
        missing=ListDef("without_card", N_("未持卡人员"), m.PEOPLE, _without_valid_card, detail=_card_states,
                        fix=Fix("grid.person", "person_id", "id", N_("补发/打印")))),
    Kpi("landlord", N_("房东确认率"), m.TENANCIES_CONFIRMED, m.TENANCIES_ACTIVE, "kpi.target.landlord",
        N_("月末有效租住关系中已由房东确认的比例（以房管人）"), N_("已确认 %(n)s / 租住 %(d)s"),
        counted=ListDef("tenancies_confirmed", N_("房东已确认的租住"), m.TENANCIES, m.TENANCIES_CONFIRMED.condition,
                        kind="tenancy", fix=DWELLING_PAGE),
        missing=ListDef("tenancies_unconfirmed", N_("房东未确认的租住"), m.TENANCIES,
                        lambda c, month, ctx: and_(m.tenancy_active(c, month), not_(m.tenancy_confirmed(c, month))),
                        kind="tenancy", detail=_unconfirmed, fix=DWELLING_PAGE)),
    Kpi("entry", N_("%(hours)s 小时内录入率"), m.ENTERED_ON_TIME, m.ENTERED, "kpi.target.entry",
        N_("本月录入的人员信息中，在采集后 %(hours)s 小时内录入的比例（登记制度：采集后 24 小时内录入）"),
        N_("按时 %(n)s / 录入 %(d)s"),
        counted=ListDef("entered_on_time", N_("按时录入的人员"), m.PEOPLE, m.ENTERED_ON_TIME.condition, fix=PERSON_PAGE),
        missing=ListDef("entered_late", N_("超时录入的人员"), m.PEOPLE,
                        lambda c, month, ctx: and_(m.entered(c, month), not_(m.entered_on_time(c, month, ctx))),
                        detail=_late_entries, fix=PERSON_PAGE),
        params={"hours": "person.entry_hours"}),
    Kpi("sweep", N_("入户核查覆盖率"), m.DWELLINGS_SWEPT, m.DWELLINGS_LISTED, "kpi.target.sweep",
        N_("本月已入户核查（走访）的住所占月末登记住所的比例（每月入户核查）"), N_("已走访 %(n)s / 住所 %(d)s"),
        counted=ListDef("swept", N_("本月已走访的住所"), m.DWELLINGS,
                        lambda c, month, ctx: and_(m.dwelling_listed(c, month), _swept(c, month)),
                        kind="dwelling", fix=SWEEP_PAGE),
        missing=ListDef("not_swept", N_("本月未走访的住所"), m.DWELLINGS,
                        lambda c, month, ctx: and_(m.dwelling_listed(c, month), not_(_swept(c, month))),
                        kind="dwelling", detail=_last_sweeps, fix=TO_SWEEP)),
)

BY_KEY = {k.key: k for k in KPIS}  # the fixed ones; ``find`` knows the service types' too

SERVICE_PREFIX = "service-"
_SERVICE_KPIS: dict[tuple, Kpi] = {}


def service_kpi(type_id: int, name: str) -> Kpi:
    """The coverage KPI of one service type (made once per type and name)."""
    key = (type_id, name)
    if key not in _SERVICE_KPIS:
        sm = m.service_measures(type_id)
        _SERVICE_KPIS[key] = Kpi(
            f"{SERVICE_PREFIX}{type_id}", N_("%(service)s完成率"), sm.done, sm.due, "kpi.target.services",
            N_("本月到期的%(service)s人次中已完成的比例；逾期：计划日期已过、尚未完成的人次（当前）"),
            N_("已完成 %(n)s / 到期 %(d)s"), values={"service": name},
            counted=ListDef(f"service_done_{type_id}", N_("本月已完成%(service)s的人员"), m.APPOINTMENTS,
                            sm.done.condition, kind="appointment", fix=APPOINTMENT_PAGE),
            missing=ListDef(f"service_open_{type_id}", N_("本月到期未完成%(service)s的人员"), m.APPOINTMENTS,
                            lambda c, month, ctx: and_(sm.due.condition(c, month, ctx), c.status != "done"),
                            kind="appointment", detail=_appointment_states, fix=APPOINTMENT_PAGE),
            overdue=sm.overdue,
            overdue_list=ListDef(f"service_overdue_{type_id}", N_("%(service)s逾期未完成的人员"), m.OPEN_APPOINTMENTS,
                                 sm.overdue.condition, kind="appointment", detail=_appointment_states,
                                 fix=APPOINTMENT_PAGE))
    return _SERVICE_KPIS[key]


def service_kpis() -> tuple[Kpi, ...]:
    """One KPI per active service type, in the admin's order."""
    return tuple(service_kpi(t.id, t.name) for t in service_types.all_types() if t.active)


def all_kpis() -> tuple[Kpi, ...]:
    return KPIS + service_kpis()


def find(key: str) -> Kpi | None:
    return next((k for k in all_kpis() if k.key == key), None)


def measures_of(kpis) -> list[m.Measure]:
    found = [x for k in kpis for x in (k.numerator, k.denominator, k.overdue) if x is not None]
    return list({id(x): x for x in found}.values())


def all_measures() -> list[m.Measure]:
    """Every measure of the dashboard, the service types' included (for refresh-figures)."""
    return measures_of(all_kpis())


TREND_MONTHS = 12


@dataclass
class KpiFigures:
    kpi: Kpi
    target: float
    month: Ratio  # the month asked for
    previous: Ratio
    trend: list[tuple[Month, Ratio]]
    parts: list[tuple[Area, Ratio]]
    overdue: Sum | None = None  # the current month only: how many are overdue now

    @property
    def status(self) -> str:
        return rules.status(self.month.rate, self.target)

    @property
    def change(self) -> float | None:
        return rules.change(self.month.rate, self.previous.rate)

    def part_status(self, ratio: Ratio) -> str:
        return rules.status(ratio.rate, self.target)

    def of_part(self, part_id: int) -> Ratio:
        return next((ratio for part, ratio in self.parts if part.id == part_id), Ratio())


@dataclass
class Report:
    area: Area | None
    month: Month
    parts: list[Area]
    kpis: list[KpiFigures]
    counted_at: dt.datetime | None
    current: bool  # the month is not over yet
    counting: figures.Counting = figures.Counting()  # what a background job is counting meanwhile


def report(area: Area | None, coverage: figures.Coverage, month: Month, ctx: Context, *,
           kpis: tuple[Kpi, ...] | None = None, refresh: bool = False) -> Report:
    """Every KPI of ``area`` for ``month`` (or those of ``kpis``): the figure, the last 12
    months and the parts."""
    kpis = all_kpis() if kpis is None else kpis
    months = month.last(TREND_MONTHS)
    stored = figures.ensure(measures_of(kpis), months, coverage, ctx, force_current=refresh)
    parts = report_areas.children(area)
    totals = figures.ratios([(k.numerator, k.denominator) for k in kpis], coverage, months, stored)
    pairs = [(k.numerator.key, k.denominator.key) for k in kpis]
    by_part = figures.ratios_by_part(pairs, coverage, parts, month)
    results = []
    for k, pair in zip(kpis, pairs):
        trend = [(when, totals[pair].get(when, Ratio())) for when in months]
        results.append(KpiFigures(
            kpi=k, target=float(ctx.setting(k.target)), month=trend[-1][1], previous=trend[-2][1], trend=trend,
            parts=[(p, by_part[pair].get(p.id, Ratio())) for p in parts],
            overdue=stored.sum(month, k.overdue.key) if k.overdue and month == ctx.current else None))
    return Report(area, month, parts, results, stored.counted_at.get(month), month == ctx.current,
                  stored.counting)
