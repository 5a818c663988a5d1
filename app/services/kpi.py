"""The KPIs of the station's dashboard: each a rate of two measures with a target.

Adding a KPI is one ``Kpi`` below (its measures in ``services.measures``) and the lists
a figure opens (``ListDef``, usually the same conditions). Waiting for tables of other
parts of the application: monthly sweep coverage (dwellings visited / dwellings, from
the sweep visits), service coverage per service type (done / due) and overdue counts
(from the appointments).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, not_, select

from ..domain import figures as rules
from ..domain.figures import Ratio
from ..domain.months import Month
from ..domain.text import Message, N_
from ..extensions import db
from ..models import Area, Card
from . import figures, report_areas
from . import measures as m
from .figure_lists import Fix, ListDef
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


PERSON_PAGE = Fix("grid.person", "person_id", "id", N_("查看"))
DWELLING_PAGE = Fix("grid.dwelling", "dwelling_id", "dwelling_id", N_("查看住所"))


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

    def text(self, template: str, setting) -> Message:
        """``label`` or ``explain`` with the settings it names filled in (``setting(key)``)."""
        return Message(template, **{name: setting(key) for name, key in self.params.items()})

    def lists(self) -> dict[str, ListDef]:
        return {part: listing for part, listing in (("missing", self.missing), ("counted", self.counted)) if listing}


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
)

BY_KEY = {k.key: k for k in KPIS}


def measures_of(kpis) -> list[m.Measure]:
    return list({id(x): x for k in kpis for x in (k.numerator, k.denominator)}.values())


MEASURES = measures_of(KPIS)
TREND_MONTHS = 12


@dataclass
class KpiFigures:
    kpi: Kpi
    target: float
    month: Ratio  # the month asked for
    previous: Ratio
    trend: list[tuple[Month, Ratio]]
    parts: list[tuple[Area, Ratio]]

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


def report(area: Area | None, coverage: figures.Coverage, month: Month, ctx: Context, *,
           kpis: tuple[Kpi, ...] = KPIS, refresh: bool = False) -> Report:
    """Every KPI of ``area`` for ``month``: the figure, the last 12 months and the parts."""
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
            parts=[(p, by_part[pair].get(p.id, Ratio())) for p in parts]))
    return Report(area, month, parts, results, stored.counted_at.get(month), month == ctx.current)
