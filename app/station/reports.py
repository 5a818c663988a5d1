"""What the report pages share: who may open them, which area and month they show, the
links that keep both, and the filters that print figures."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from babel.dates import format_skeleton
from flask import request, url_for
from flask_babel import format_decimal, get_locale, gettext
from flask_login import current_user

from ..domain import charts, schedules
from ..domain.clock import local_today
from ..domain.idcard import mask_id_number
from ..domain.months import Month
from ..models import Area
from ..services import scope
from ..services.common.spreadsheet import Sheet
from ..services.figures import report_areas
from ..services.figures.measures import Context
from ..services.figures.store import Coverage
from ..web import int_arg, tr
from ..web.lists import grid_label
from . import bp

REPORTERS = ("supervisor", "admin")


@dataclass
class Selection:
    """The area and month a report page shows, as the viewer may see them."""

    area: Area | None
    month: Month
    coverage: Coverage
    ctx: Context
    trail: list[Area]

    @property
    def args(self) -> dict:
        """What every link of the page carries along."""
        out = {"month": self.month.key}
        if self.area is not None:
            out["area"] = self.area.id
        return out

    def url(self, endpoint: str, **values) -> str:
        return url_for(endpoint, **{**self.args, **values})

    @property
    def list_ctx(self) -> Context:
        return self.coverage.context(self.ctx)

    @cached_property
    def choices(self) -> list[Area]:
        return report_areas.choices(current_user)

    @property
    def months(self) -> tuple[Month | None, Month | None]:
        """The month before and after, where there is one to show."""
        later = self.month.shift(1)
        return self.month.shift(-1), (later if later <= self.ctx.current else None)


def selection(*, default: str = "current") -> Selection:
    """``?area=`` (404 outside the user's scope) and ``?month=YYYY-MM`` (a bad or future
    month falls back to ``default``: this month, or the last one for the monthly report)."""
    area = report_areas.resolve(current_user, int_arg("area"))
    today = local_today()
    current = Month.of(today)
    fallback = current.shift(-1) if default == "previous" else current
    month = Month.parse(request.args.get("month")) or fallback
    if month > current:
        month = fallback
    ctx = Context.at(today)
    ctx.recount_later = True  # a county's out-of-date figures: recounted by a background job
    return Selection(area, month, Coverage.of(area, scope.grid_ids(current_user)), ctx,
                     report_areas.lineage(current_user, area))


def export_sheet(title: str, rows, kind: str) -> Sheet:
    """A list as a spreadsheet: the columns the page shows, ID numbers masked."""
    if kind == "change":
        headers = [gettext("类型"), gettext("姓名"), gettext("网格"), gettext("提交时间"), gettext("说明")]

        def line(r):
            return [r.obj.kind, r.person.name if r.person else "", grid_label(r.grid),
                    r.obj.created_at, tr(r.detail) if r.detail else ""]
    elif kind == "tenancy":
        headers = [gettext("姓名"), gettext("身份证号"), gettext("住所"), gettext("房东"), gettext("入住日期"),
                   gettext("网格"), gettext("说明")]

        def line(r):
            d = r.obj.dwelling
            return [r.person.name, mask_id_number(r.person.id_number), d.address if d else "",
                    d.landlord.name if d and d.landlord else "", r.obj.start_on, grid_label(r.grid),
                    tr(r.detail) if r.detail else ""]
    elif kind == "dwelling":
        headers = [gettext("住所"), gettext("房东"), gettext("房间数"), gettext("网格"), gettext("说明")]

        def line(r):
            d = r.obj
            return [d.address, d.landlord.name if d.landlord else "", d.rooms, grid_label(r.grid),
                    tr(r.detail) if r.detail else ""]
    elif kind == "appointment":
        headers = [gettext("服务"), gettext("计划日期"), gettext("状态"), gettext("姓名"), gettext("身份证号"),
                   gettext("网格"), gettext("现住所"), gettext("说明")]

        def line(r):
            a, p = r.obj, r.person
            return [a.service_type.name, a.due_on, gettext(dict(schedules.STATUSES).get(a.status, a.status)), p.name,
                    mask_id_number(p.id_number), grid_label(r.grid),
                    p.dwelling.address if p.dwelling else "", tr(r.detail) if r.detail else ""]
    else:
        headers = [gettext("姓名"), gettext("身份证号"), gettext("网格"), gettext("现住所"), gettext("说明")]

        def line(r):
            p = r.person
            return [p.name, mask_id_number(p.id_number), grid_label(r.grid),
                    p.dwelling.address if p.dwelling else "", tr(r.detail) if r.detail else ""]
    return Sheet(title, headers, (line(r) for r in rows))


# -- Filters -------------------------------------------------------------------------------------

@bp.app_template_filter("percent")
def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{format_decimal(round(rate, 1), format='#,##0.0')}%"


@bp.app_template_filter("count")
def count(value) -> str:
    return "—" if value is None else format_decimal(value, format="#,##0")


@bp.app_template_filter("number")
def number(value) -> str:
    """95 or 97.5: a target as it was typed."""
    return "—" if value is None else format_decimal(value, format="#,##0.##")


@bp.app_template_filter("month_label")
def month_label(month: Month, skeleton: str = "yMMM") -> str:
    return format_skeleton(skeleton, month.first, locale=str(get_locale()))


@bp.app_template_filter("points")
def points(value: float | None) -> str:
    """A change in percentage points: +2.4, −1.0, 0.0."""
    if value is None:
        return "—"
    return ("+" if value > 0 else "−" if value < 0 else "±") + f"{abs(value):.1f}"


@bp.app_template_global("area_depth")
def area_depth(area: Area) -> int:
    return report_areas.depth(area)


@bp.app_template_global("trend_chart")
def trend_chart(values, months, target=None, *, compact: bool = False):
    labels = [month_label(m, "MMM") for m in months]
    if compact:
        return charts.trend(values, labels, target, width=120, height=40, left=2, right=2, top=4, bottom=4)
    return charts.trend(values, labels, target, every=2)


@bp.app_template_global("bar")
def bar(rate, target=None, scale: float = 100.0):
    return charts.bar(rate, target, scale)


@bp.app_template_global("bar_scale")
def bar_scale(rates):
    return charts.bar_scale(rates)
