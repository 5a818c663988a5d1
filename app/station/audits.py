"""Audit sampling: draw records per grid, check them, fix what failed, report per coordinator."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import format_date, gettext
from flask_login import current_user

from ..domain import sampling
from ..domain import staff_performance as months
from ..domain.clock import local_today
from ..services import scope
from ..services.common.errors import ValidationFailed
from ..services.common.spreadsheet import Sheet
from ..services.figures import audit_samples as service
from ..web import actor, render, roles_required, tr, xlsx_download
from ..web.forms import apply_errors, flash_refusal
from ..web.lists import grid_choices
from . import bp
from .audit_forms import CheckForm, DrawForm

AUDITORS = ("supervisor", "admin")
FIXERS = ("coordinator", "supervisor", "admin")


def _draw_form():
    form = DrawForm()
    grids = scope.grids(current_user)
    form.grid_id.choices = [(0, gettext("全部网格（每个网格各抽一组）"))] + grid_choices(grids)
    form.month.choices = [("", gettext("全部在住人员"))] + [
        (m.strftime("%Y-%m"), gettext("%(month)s 录入的记录", month=format_date(m, "yyyy-MM")))
        for m in months.recent_months(local_today())]
    return form, grids


@bp.route("/audits", methods=["GET", "POST"])
@roles_required(*AUDITORS)
def audits():
    form, grids = _draw_form()
    if form.validate_on_submit():
        grid_ids = [form.grid_id.data] if form.grid_id.data else [g.id for g in grids]
        month = months.month_of(form.month.data, local_today()) if form.month.data else None
        try:
            samples = service.draw(actor(), current_user, grid_ids, month=month,
                                   seed=sampling.parse_seed(form.seed.data))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已抽取 %(n)d 组", n=len(samples)), "success")
            if len(samples) == 1:
                return redirect(url_for("station.audit_sample", sample_id=samples[0].id))
            return redirect(url_for("station.audits"))
    return render("station/audits.html", form=form, samples=service.recent(current_user))


@bp.get("/audits/<int:sample_id>")
@roles_required(*AUDITORS)
def audit_sample(sample_id: int):
    sample = service.get(current_user, sample_id)
    return _sample_page(sample)


def _sample_page(sample, errors=None, typed=None):
    redrawn = service.redraw(sample)
    return render("station/audit_sample.html", sample=sample, items=service.items(sample),
                  same_draw=redrawn == [i.person_id for i in sample.items], form=CheckForm(formdata=None),
                  errors=errors or {}, typed=typed or {})


@bp.post("/audits/items/<int:item_id>")
@roles_required(*AUDITORS)
def audit_check(item_id: int):
    item = service.get_item(current_user, item_id)
    form = CheckForm()
    if form.validate_on_submit():
        try:
            service.check(actor(), current_user, item.id, request.form.get("result", ""), form.note.data)
        except ValidationFailed as exc:
            return _sample_page(item.sample, errors={item.id: [tr(m) for m in exc.errors.values()]},
                                typed={item.id: form.note.data})
        return redirect(url_for("station.audit_sample", sample_id=item.sample_id) + f"#item-{item.id}")
    return _sample_page(item.sample, errors={item.id: [e for es in form.errors.values() for e in es]},
                        typed={item.id: form.note.data})


@bp.get("/audits/fixes")
@roles_required(*FIXERS)
def audit_fixes():
    return render("station/audit_fixes.html", items=service.to_fix(current_user))


@bp.post("/audits/items/<int:item_id>/fixed")
@roles_required(*FIXERS)
def audit_fixed(item_id: int):
    try:
        service.mark_fixed(actor(), current_user, item_id)
    except ValidationFailed as exc:
        flash_refusal(exc)
    else:
        flash(gettext("已标记为整改完成"), "success")
    return redirect(url_for("station.audit_fixes"))


def _report_month():
    return months.month_of(request.args.get("month"), local_today())


@bp.get("/audits/report")
@roles_required(*AUDITORS)
def audit_report():
    month = _report_month()
    return render("station/audit_report.html", rows=service.report(current_user, month), month=month,
                  months=months.recent_months(local_today()), month_label=lambda m: format_date(m, "yyyy-MM"))


@bp.get("/audits/report.xlsx")
@roles_required(*AUDITORS)
def audit_report_export():
    month = _report_month()
    rows = [[r.user.name if r.user else gettext("（未知）"), r.checked, r.passed, r.failed, r.fixed,
             round(r.pass_rate * 100, 1) if r.pass_rate is not None else None]
            for r in service.report(current_user, month)]
    headers = [gettext("协管员"), gettext("抽查"), gettext("合格"), gettext("不合格"), gettext("已整改"), gettext("合格率（%）")]
    title = gettext("抽查报告") + " " + format_date(month, "yyyy-MM")
    return xlsx_download(gettext("抽查报告"), [Sheet(title, headers, rows, widths=[16, 8, 8, 8, 8, 12], preamble=(title,))],
                         audit_as="audit_report.export", filters={"month": month.isoformat()})
