"""The outflow register's pages: list and search, register, record (四知, left-behind
family, return, inquiry, timeline), edit with optimistic locking, the left-behind lists."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..domain import choices, divisions
from ..domain import outflow as rules
from ..domain.clock import local_today
from ..domain.idcard import mask_id_number
from ..extensions import db
from ..grid.helpers import STAFF
from ..grid.pickers import picked_code, picker_context
from ..services import scope
from ..services.common.errors import StaleEdit, ValidationFailed
from ..services.common.spreadsheet import Sheet
from ..services.exchange import notify
from ..services.outflow import lists, register
from ..services.registry import people_export
from ..services.registry.people import grid_path
from ..web import actor, render, roles_required, xlsx_download
from ..web.forms import apply_errors
from . import bp
from .forms import LeftBehindForm, OutflowForm, ReturnForm


def _form_page(form, record=None, stale=False):
    return render("outflow/form.html", form=form, record=record, stale=stale, picker_legend=gettext("流入地"),
                  **picker_context(picked_code(request.form) if request.method == "POST"
                                   else (record.dest_area_code if record else "")))


def reason_label(code: str | None) -> str:
    return gettext(dict(choices.REASONS_FOR_COMING).get(code, "")) if code else ""


@bp.route("/", methods=["GET", "POST"])
@roles_required(*STAFF)
def index():
    """The search text travels in the POST body (never in a URL)."""
    status = request.args.get("status", "away")
    q = request.form.get("q", "")[:50]
    rows = lists.search(current_user, q, status)
    return render("outflow/index.html", "results", rows=rows, q=q, status=status, counts=lists.counts(current_user),
                  knows=lists.four_knows_figures(current_user), mask=mask_id_number,
                  may_see_full_ids=people_export.may_see_full_ids(current_user),
                  four_knows=lambda r: rules.four_knows(r.reason, r.dest_area_code, r.occupation, r.phone),
                  grid_name=lambda g: scope.grid_name(current_user, g))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new():
    form = OutflowForm()
    form.set_choices(scope.grids(current_user), lambda g: scope.grid_name(current_user, g))
    if request.method == "GET":
        form.left_on.data = local_today()
    elif not request.form.get("refresh_hukou") and form.validate_on_submit():
        try:
            record = register.register(actor(), current_user, {**form.fields(), "dest_area_code": picked_code(request.form)},
                                       form.grid_id.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已登记外出：%(name)s", name=record.name), "success")
            return redirect(url_for("outflow.record", outflow_id=record.id))
    return _form_page(form)


@bp.get("/<int:outflow_id>")
@roles_required(*STAFF)
def record(outflow_id):
    rec = register.get(current_user, outflow_id)
    return _record_page(rec)


def _record_page(rec, left_form=None, return_form=None, status=200):
    return_form = return_form or ReturnForm(formdata=None, version=rec.version, returned_on=local_today())
    return render("outflow/record.html", rec=rec, left_form=left_form or LeftBehindForm(formdata=None),
                  return_form=return_form, knows=rules.four_knows(rec.reason, rec.dest_area_code, rec.occupation, rec.phone),
                  four=rules.FOUR_KNOWS, dest_name=divisions.full_name(rec.dest_area_code) if rec.dest_area_code else "",
                  timeline=lists.timeline(rec), mask=mask_id_number, today=local_today(),
                  age=lambda d: rules.age_on(d, local_today()), http_status=status,
                  grid_name=scope.grid_name(current_user, rec.grid))


@bp.route("/<int:outflow_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(outflow_id):
    rec = register.get(current_user, outflow_id)
    form = OutflowForm(obj=rec if request.method == "GET" else None)
    form.set_choices([rec.grid], lambda g: scope.grid_name(current_user, g))
    stale = False
    if request.method == "POST" and not request.form.get("refresh_hukou") and form.validate_on_submit():
        try:
            register.update(actor(), current_user, rec.id, int(form.version.data or 0),
                            {**form.fields(), "dest_area_code": picked_code(request.form)})
        except StaleEdit:
            stale = True
            form.version.data = db.session.get(type(rec), rec.id).version
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已保存"), "success")
            return redirect(url_for("outflow.record", outflow_id=rec.id))
    return _form_page(form, rec, stale)


@bp.post("/<int:outflow_id>/return")
@roles_required(*STAFF)
def record_return(outflow_id):
    rec = register.get(current_user, outflow_id)
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            register.record_return(actor(), current_user, rec.id, int(form.version.data or 0), form.returned_on.data)
        except StaleEdit:
            flash(gettext("此记录刚被他人更新，请核对后再次提交。"), "warning")
        except ValidationFailed as exc:
            apply_errors(form, exc)
            return _record_page(rec, return_form=form, status=422)
        else:
            flash(gettext("已记录返乡"), "success")
        return redirect(url_for("outflow.record", outflow_id=rec.id))
    return _record_page(rec, return_form=form, status=422)


@bp.post("/<int:outflow_id>/left-behind")
@roles_required(*STAFF)
def add_left_behind(outflow_id):
    rec = register.get(current_user, outflow_id)
    form = LeftBehindForm()
    if form.validate_on_submit():
        try:
            register.add_left_behind(actor(), current_user, rec.id, form.fields())
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已添加留守人员：%(name)s", name=form.name.data), "success")
            return redirect(url_for("outflow.record", outflow_id=rec.id))
    return _record_page(rec, left_form=form, status=422)


@bp.post("/<int:outflow_id>/inquire")
@roles_required(*STAFF)
def inquire(outflow_id):
    rec = register.get(current_user, outflow_id)
    if notify.inquiry(actor(), rec):
        rec.inquired_at = db.func.now()
        db.session.commit()
        flash(gettext("已向流入地发出函查"), "success")
    else:
        db.session.rollback()
        flash(gettext("流入地不在对方部署名录中，无法函查；请电话联系"), "warning")
    return redirect(url_for("outflow.record", outflow_id=rec.id))


@bp.get("/left-behind/<any(child, elderly):group>")
@roles_required(*STAFF)
def left_behind(group):
    kind = group
    rows = lists.left_behind(current_user, kind)
    return render("outflow/left_behind.html", rows=rows, kind=kind,
                  grid_name=lambda g: scope.grid_name(current_user, g))


@bp.get("/left-behind/<any(child, elderly):group>.xlsx")
@roles_required(*STAFF)
def left_behind_export(group):
    """The visiting list as a spreadsheet (ID numbers masked), audited like every export."""
    title = gettext("留守儿童") if group == "child" else gettext("留守老人")
    header = [gettext("姓名"), gettext("年龄"), gettext("出生日期"), gettext("身份证号码"), gettext("网格"),
              gettext("监护人 / 照料人"), gettext("联系电话"), gettext("外出家庭成员"), gettext("在外联系电话"),
              gettext("流入地")]
    body = ([r.member.name, r.age, r.member.birth_date, mask_id_number(r.member.id_number) if r.member.id_number else "",
             scope.grid_name(current_user, r.away.grid), r.member.carer or "", r.member.carer_phone or "",
             r.away.name, r.away.phone or "",
             " ".join(filter(None, [divisions.full_name(r.away.dest_area_code) if r.away.dest_area_code else "",
                                    r.away.dest_address or ""]))]
            for r in lists.left_behind(current_user, group))
    return xlsx_download(f"left-behind-{group}", [Sheet(title, header, body)], audit_as="outflow.left_behind_export",
                         filters={"group": group})


@bp.get("/export.xlsx")
@roles_required(*STAFF)
def export():
    """The list as a spreadsheet whose headers are the import's (``domain.outflow_ledger``):
    exported with full ID numbers, it imports again (every row already registered)."""
    status = request.args.get("status", "away")
    full = request.args.get("full") == "1" and people_export.may_see_full_ids(current_user)
    show_id = (lambda n: n) if full else mask_id_number
    rows = lists.search(current_user, "", status, limit=100000)
    header = [gettext("姓名"), gettext("身份证号码"), gettext("户籍所在网格"), gettext("外出日期"), gettext("流入地"),
              gettext("外出原因"), gettext("从事职业"), gettext("工作单位"), gettext("在外联系电话"), gettext("家中联系人"),
              gettext("家中联系人电话"), gettext("预计返乡日期"), gettext("四知齐全")]
    body = ([r.name, show_id(r.id_number), grid_path(r.grid), r.left_on,
             " ".join(filter(None, [divisions.full_name(r.dest_area_code) if r.dest_area_code else "", r.dest_address or ""])),
             reason_label(r.reason), r.occupation or "", r.employer or "", r.phone or "", r.home_contact or "",
             r.home_phone or "", r.expected_return,
             gettext("是") if rules.four_knows(r.reason, r.dest_area_code, r.occupation, r.phone).complete else gettext("否")]
            for r in rows)
    return xlsx_download("outflow", [Sheet(gettext("流出人口"), header, body)], audit_as="outflow.export",
                         filters={"status": status}, full_ids=full)
