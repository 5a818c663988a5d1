"""The station's service work lists as spreadsheets: every visit the list's filters select,
not one page.

Identity numbers are masked unless the user may see full ones and asked for them (the
people export's rule). Health results (outcome, note) are columns only when the caller
says the user may see them, as ``appointments.person_services(with_results=...)``: left
out of the file altogether, not left blank. Every export is in the audit log: who, which
filters, how many rows, masked or not, with results or not; never a name or a number.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ...domain import choices, dates, schedules
from ...domain.clock import local_today
from ...domain.masking import mask_id_number
from ...domain.text import N_
from ...models import Appointment, User
from .. import scope
from ..registry.people_export import Export, may_see_full_ids
from . import appointments

HEADERS = (N_("到期日期"), N_("服务"), N_("剂次 / 项目"), N_("姓名"), N_("身份证号码"), N_("性别"), N_("年龄"),
           N_("电话"), N_("网格"), N_("住址"), N_("状态"), N_("未到次数"))
WIDTHS = (11, 16, 24, 10, 21, 5, 5, 13, 20, 30, 8, 8)
RESULT_HEADERS = (N_("结果"), N_("备注"))
RESULT_WIDTHS = (16, 30)


def headers(with_results: bool) -> tuple:
    return HEADERS + RESULT_HEADERS if with_results else HEADERS


def widths(with_results: bool) -> tuple:
    return WIDTHS + RESULT_WIDTHS if with_results else WIDTHS


def status_label(a: Appointment, today: dt.date) -> str:
    """What the work list's tag says: overdue, open, done, or the status's name."""
    if a.status == "planned" and a.due_on < today:
        return N_("逾期")
    return choices.label(schedules.STATUSES, a.status)


def _joined(values, sep: str) -> str | None:
    return sep.join(dict.fromkeys(v for v in values if v)) or None


def work_list_rows(user: User, view: str, *, day: dt.date | None, grid_id: int | None, type_id: int | None,
                   full_ids: bool, with_results: bool, label: Callable, today: dt.date | None = None) -> Export:
    """Rows for ``services.common.spreadsheet.Sheet`` (columns as ``headers(with_results)``), read from
    the database a chunk at a time; ``label`` translates labels (strings or messages)."""
    today = today or local_today()
    show_id = (lambda n: n) if full_ids and may_see_full_ids(user) else mask_id_number
    counted = [0]

    def rows():
        for visit in appointments.whole_work_list(user, view, today=today, day=day, grid_id=grid_id,
                                                  type_id=type_id):
            counted[0] += 1
            a, p = visit.first, visit.first.person
            address = " ".join(part for part in (p.dwelling.address if p.dwelling else None, p.room) if part)
            row = [a.due_on, a.service_type.name, _joined((label(x) for x in visit.labels), "、"), p.name,
                   show_id(p.id_number) or None, label(choices.label(choices.SEX, p.sex)),
                   dates.age_on(p.birth_date, today) if p.birth_date else None, visit.phone,
                   scope.grid_name(user, p.grid) or None, address or None, label(status_label(a, today)), a.no_shows or 0]
            if with_results:
                outcomes = schedules.OUTCOMES.get(a.service_type.category, ())
                row += [_joined((label(choices.label(outcomes, x.outcome)) for x in visit.appointments
                                 if x.outcome), "、"), _joined((x.note for x in visit.appointments), "；")]
            yield row
    return Export(rows(), counted)
