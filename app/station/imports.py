"""Importing a people ledger: upload, map the columns, dry run, import."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..domain import ledger_columns
from ..domain.ledger_file import MAX_BYTES
from ..domain.text import Message, N_
from ..grid.helpers import apply_errors
from ..services import ledger_samples
from ..services import people_import as service
from ..services import scope
from ..services.errors import ValidationFailed
from ..services.export import Sheet
from ..web import actor, render, roles_required, tr, xlsx_download
from . import bp
from .import_forms import UploadForm, settings_form, shown

IMPORTERS = ("coordinator", "supervisor", "admin")
STATUS_LABELS = {"ready": N_("可导入"), "duplicate": N_("重复"), "error": N_("有错误")}
JOB_STATUS = {"uploaded": N_("待核对"), "checked": N_("已试导入"), "imported": N_("已导入"), "discarded": N_("已删除")}


@bp.before_app_request
def _upload_limit():
    """Ledgers may be larger than the app's other uploads (``MAX_CONTENT_LENGTH``). Set
    before any hook reads the form; a bigger file gets the "too large" page (413)."""
    if request.endpoint == "station.imports":
        request.max_content_length = MAX_BYTES + 256 * 1024  # the file plus the form around it


@bp.route("/imports", methods=["GET", "POST"])
@roles_required(*IMPORTERS)
def imports():
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            job = service.upload(actor(), current_user, upload.filename, upload.read())
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            return redirect(url_for("station.import_job", job_id=job.id))
    return render("station/imports.html", form=form, jobs=service.recent(current_user),
                  max_mb=MAX_BYTES // (1024 * 1024), job_status=JOB_STATUS)


def _job_page(job, form=None, preview=None, analysis=None, problems=()):
    return render("station/import.html", job=job, form=form, preview=preview, problems=problems,
                  summary=job.summary, earlier=service.earlier_import(job), issue_text=issue_text,
                  status_labels=STATUS_LABELS, shown=shown)


def issue_text(issue: dict) -> str:
    return tr(Message(issue["template"], **(issue.get("params") or {})))


@bp.route("/imports/<int:job_id>", methods=["GET", "POST"])
@roles_required(*IMPORTERS)
def import_job(job_id: int):
    job = service.get(current_user, job_id)
    if job.status in ("imported", "discarded"):
        return _job_page(job)
    grids = scope.grids(current_user)
    try:
        preview = service.preview(job)
    except ValidationFailed as exc:
        return _job_page(job, problems=[tr(m) for m in exc.errors.values()])
    form = settings_form(job, preview, grids, posted=request.method == "POST")
    problems = []
    if request.method == "POST" and form.validate_on_submit():
        try:
            service.configure(actor(), current_user, job, sheet=form.sheet.data, header_row=form.header_row.data,
                              mapping=form.mapping(), grid_id=form.grid_id.data)
            if request.form.get("action") == "check":
                service.check(actor(), current_user, job)
        except ValidationFailed as exc:
            problems = [tr(m) for m in exc.errors.values()]
        else:
            return redirect(url_for("station.import_job", job_id=job.id) + ("#summary" if job.summary else ""))
        preview = service.preview(job)
        form = settings_form(job, preview, grids)
    elif request.method == "GET":
        problems = [tr(m) for m in ledger_columns.check_mapping({int(i): k for i, k in (job.mapping or {}).items()})]
    return _job_page(job, form=form, preview=preview, problems=problems)


@bp.post("/imports/<int:job_id>/run")
@roles_required(*IMPORTERS)
def run_import(job_id: int):
    job = service.get(current_user, job_id)
    if job.status != "checked":
        flash(gettext("请先试导入，核对结果后再导入"), "error")
        return redirect(url_for("station.import_job", job_id=job.id))
    try:
        service.run(actor(), current_user, job)
    except ValidationFailed as exc:
        flash(tr(next(iter(exc.errors.values()))), "error")
        return redirect(url_for("station.import_job", job_id=job.id))
    flash(gettext("已导入 %(n)d 人", n=job.imported), "success")
    return redirect(url_for("station.import_job", job_id=job.id))


@bp.post("/imports/<int:job_id>/discard")
@roles_required(*IMPORTERS)
def discard_import(job_id: int):
    job = service.get(current_user, job_id)
    service.discard(actor(), current_user, job)
    flash(gettext("已删除上传的文件"), "success")
    return redirect(url_for("station.imports"))


@bp.get("/imports/<int:job_id>/issues.xlsx")
@roles_required(*IMPORTERS)
def import_issues(job_id: int):
    """The rows with problems, as the file had them, with the row number and the
    problems in front: fix them in this file and import it again."""
    job = service.get(current_user, job_id)
    if job.status == "imported":  # the file is gone: what the import found
        return _stored_issues(job)
    try:
        analysis = service.analyse(current_user, job)
    except ValidationFailed as exc:
        flash(tr(next(iter(exc.errors.values()))), "error")
        return redirect(url_for("station.import_job", job_id=job.id))
    return xlsx_download(gettext("导入问题"), [issues_sheet(analysis)])


def issues_sheet(analysis) -> Sheet:
    rows = []
    for row in analysis.with_issues:
        problems = [tr(i.message) for i in row.errors] + [gettext("提醒：") + tr(i.message) for i in row.warnings]
        rows.append([row.line, gettext(STATUS_LABELS[row.status]), "；".join(problems), *analysis.raw[row.line]])
    headers = [gettext("原行号"), gettext("结果"), gettext("问题")] + [str(h) for h in analysis.header]
    return Sheet(gettext("导入问题"), headers, rows, widths=[8, 10, 50] + [16] * len(analysis.header))


def _stored_issues(job):
    rows = [[i["line"], gettext(STATUS_LABELS[i["status"]]) if i["kind"] == "error" else gettext("提醒"),
             issue_text(i), i.get("name"), i.get("id_number")] for i in (job.summary or {}).get("issues", [])]
    headers = [gettext("原行号"), gettext("结果"), gettext("问题"), gettext("姓名"), gettext("身份证号码")]
    return xlsx_download(gettext("导入问题"), [Sheet(gettext("导入问题"), headers, rows, widths=[8, 10, 50, 12, 22])])


@bp.get("/imports/template.xlsx")
@roles_required(*IMPORTERS)
def import_template():
    headers = [gettext(h) for h in ledger_samples.template_headers()]
    notes = [(gettext(ledger_columns.BY_KEY[k].label), gettext(ledger_samples.TEMPLATE_NOTES[k]))
             for k in (*ledger_samples.TEMPLATE_FIELDS, "grid")]
    return xlsx_download(gettext("人员导入模板"), [
        Sheet(gettext("人员"), headers, [], widths=[12, 22] + [14] * (len(headers) - 2)),
        Sheet(gettext("填写说明"), [gettext("列"), gettext("说明")], notes, widths=[16, 80]),
    ])


@bp.get("/imports/sample.xlsx")
@roles_required(*IMPORTERS)
def import_sample():
    return xlsx_download(gettext("示例台账"), [Sheet(
        "台账", ledger_samples.SAMPLE_HEADERS, ledger_samples.sample_rows(),
        widths=[6, 8, 6, 22, 12, 16, 30, 20, 14, 20], preamble=ledger_samples.SAMPLE_PREAMBLE)])
