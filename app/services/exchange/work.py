"""What the exchange gives a station to do and to watch: the 协查 page's lists, the
data-quality monitor's one-sided records and 重卡, and the exchange's KPIs. Everything
is cut by the user's area (``scope.grid_filter`` on the grid a message concerns)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from ...domain import figures as rules
from ...domain.clock import local_today
from ...domain.text import N_
from ...extensions import db
from ...models import InboxMessage, OutboxMessage, Outflow, Person
from .. import scope
from ..admin import settings
from ..outflow import lists as outflow_lists


def _scoped(stmt, user, column):
    condition = scope.grid_filter(user, column)
    return stmt if condition is None else stmt.where(condition)


def to_answer(user) -> list[InboxMessage]:
    """Messages waiting for a person here: notices that created a record to review
    (deadline), returns and corrections to act on."""
    stmt = _scoped(select(InboxMessage).where(InboxMessage.state == "open"), user, InboxMessage.grid_id)
    return list(db.session.scalars(stmt.order_by(InboxMessage.due_on.is_(None), InboxMessage.due_on,
                                                 InboxMessage.id).limit(200)))


def answered(user, limit: int = 50) -> list[InboxMessage]:
    """Received messages already dealt with (inquiries answered at once among them)."""
    stmt = _scoped(select(InboxMessage).where(InboxMessage.state == "processed"), user, InboxMessage.grid_id)
    return list(db.session.scalars(stmt.order_by(InboxMessage.id.desc()).limit(limit)))


def awaiting(user) -> list[OutboxMessage]:
    """Notices and inquiries we sent that have no answer yet."""
    stmt = _scoped(select(OutboxMessage).where(OutboxMessage.type.in_(("inflow_notice", "inquiry")),
                                               OutboxMessage.answered_at.is_(None), OutboxMessage.state != "failed"),
                   user, OutboxMessage.grid_id)
    return list(db.session.scalars(stmt.order_by(OutboxMessage.id.desc()).limit(200)))


def failed(user) -> list[OutboxMessage]:
    stmt = _scoped(select(OutboxMessage).where(OutboxMessage.state == "failed"), user, OutboxMessage.grid_id)
    return list(db.session.scalars(stmt.order_by(OutboxMessage.id.desc()).limit(200)))


def scoped_message(user, inbox_id: int) -> InboxMessage | None:
    stmt = _scoped(select(InboxMessage).where(InboxMessage.id == inbox_id), user, InboxMessage.grid_id)
    return db.session.scalars(stmt).first()


# The data-quality monitor.

def origin_one_sided(user) -> list[Outflow]:
    """流出地一方未建档: people a destination registered whom our outflow register lacked
    (the record was created from the notice)."""
    stmt = _scoped(select(Outflow).where(Outflow.source == "exchange", Outflow.status == "away"), user, Outflow.grid_id)
    return list(db.session.scalars(stmt.order_by(Outflow.id.desc()).limit(500)))


def destination_one_sided(user) -> list[Outflow]:
    """流入地一方未建档: our away residents whom the destination, asked, did not find."""
    not_found = select(InboxMessage.about).where(InboxMessage.type == "inquiry_answer",
                                                 InboxMessage.outcome == "not_found")
    stmt = _scoped(select(Outflow).where(Outflow.status == "away", Outflow.confirmed_at.is_(None),
                                         Outflow.id_number.in_(not_found)), user, Outflow.grid_id)
    return list(db.session.scalars(stmt.order_by(Outflow.id.desc()).limit(500)))


def double_cards(user) -> list[dict]:
    """重卡: someone on two registers at once — notices from two or more peers about the
    same ID number, or an away resident of ours who is also registered here as present."""
    rows = db.session.execute(select(InboxMessage.about, func.count(func.distinct(InboxMessage.peer_id)))
                              .where(InboxMessage.type == "inflow_notice", InboxMessage.about.is_not(None))
                              .group_by(InboxMessage.about)
                              .having(func.count(func.distinct(InboxMessage.peer_id)) > 1)).all()
    several = {about for about, _ in rows}
    both = set(db.session.scalars(select(Outflow.id_number).join(Person, Person.id_number == Outflow.id_number)
                                  .where(Outflow.status == "away", Person.status == "present")))
    numbers = several | both
    if not numbers:
        return []
    stmt = _scoped(select(Outflow).where(Outflow.status == "away", Outflow.id_number.in_(numbers)), user, Outflow.grid_id)
    return [{"record": r, "why": "two_destinations" if r.id_number in several else "also_inflow"}
            for r in db.session.scalars(stmt.order_by(Outflow.id))]


# KPIs.

def figures(user, today: dt.date | None = None, *, within=None) -> dict:
    """(numerator, denominator, target %) of each KPI. Feedback rate: notices received and answered by their deadline ÷ notices received
    (those still within their deadline not counted yet); inquiry rate: away residents
    inquired about or confirmed ÷ away residents; "四知" completeness. ``within``: a grid
    filter (the KPI dashboard's ``Coverage.filter``, already inside the user's scope)
    instead of the user's whole scope."""
    today = today or local_today()

    def cut(stmt, column):
        condition = within(column) if within is not None else scope.grid_filter(user, column)
        return stmt if condition is None else stmt.where(condition)
    notices = db.session.execute(cut(select(InboxMessage.due_on, InboxMessage.answered_at)
                                     .where(InboxMessage.type == "inflow_notice"), InboxMessage.grid_id)).all()
    counted = [n for n in notices if n.answered_at is not None or (n.due_on and n.due_on < today)]
    on_time = sum(1 for n in counted if n.answered_at is not None and (n.due_on is None or n.answered_at.date() <= n.due_on))
    away = cut(select(func.count()).select_from(Outflow).where(Outflow.status == "away"), Outflow.grid_id)
    asked = cut(select(func.count()).select_from(Outflow).where(
        Outflow.status == "away", (Outflow.inquired_at.is_not(None)) | (Outflow.confirmed_at.is_not(None))),
        Outflow.grid_id)
    knows = outflow_lists.four_knows_figures(user, within=within)
    return {"feedback": (on_time, len(counted), settings.get("kpi.target.exchange_feedback")),
            "inquiry": (db.session.scalar(asked), db.session.scalar(away), settings.get("kpi.target.exchange_inquiry")),
            "four_knows": (knows["complete"], knows["total"], settings.get("kpi.target.four_knows"))}


@dataclass(frozen=True)
class Tile:
    """One exchange KPI as the dashboard shows it: the rate, its target and status, and the
    page whose lists it counts."""
    key: str
    label: str
    counts: str  # "%(n)s / %(d)s" in words
    explain: str
    ratio: rules.Ratio
    target: float
    endpoint: str

    @property
    def status(self) -> str:
        return rules.status(self.ratio.rate, self.target)


TILES = (
    ("feedback", N_("反馈率"), N_("按期反馈 %(n)s / 应反馈 %(d)s"),
     N_("期限内反馈的流入通报占收到的通报的比例（全国平台曾达 99.86％）"), "exchange.work"),
    ("inquiry", N_("函查率"), N_("已函查或已确认 %(n)s / 外出 %(d)s"),
     N_("已函查或流入地已确认的外出人员占外出人员的比例"), "outflow.index"),
    ("four_knows", N_("“四知”齐全率"), N_("四知齐全 %(n)s / 外出 %(d)s"),
     N_("外出原因、流入地（到乡镇街道）、从事职业、联系方式齐全的记录的比例"), "outflow.index"),
)


def tiles(user, within=None, today: dt.date | None = None) -> list[Tile]:
    """The exchange's KPIs for the dashboard's area (current figures, not by month)."""
    found = figures(user, today, within=within)
    return [Tile(key, label, counts, explain, rules.Ratio(found[key][0] or 0, found[key][1] or 0),
                 float(found[key][2]), endpoint) for key, label, counts, explain, endpoint in TILES]
