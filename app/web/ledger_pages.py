"""The pages of a ledger import (upload, map the columns, dry run, import, the rows with
problems), one set for every kind of ledger (``services.registry.people_import.KINDS``).
A blueprint makes an ``ImportPages`` for its ledger and routes its endpoints to it; the
templates ``station/imports.html`` and ``station/import.html`` serve all kinds."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..domain.ledger_file import MAX_BYTES
from ..domain.text import N_, Message
from ..services import scope
from ..services.common.errors import ValidationFailed
from ..services.common.spreadsheet import Sheet
from ..services.registry import import_jobs
from ..services.registry import people_import as service
from . import actor, render, roles_required, tr, xlsx_download
from .forms import apply_errors, flash_refusal
from .ledger_forms import UploadForm, settings_form, shown

STATUS_LABELS = {"ready": N_("可导入"), "duplicate": N_("重复"), "repeat": N_("文件内重复"), "error": N_("有错误")}
JOB_STATUS = {"uploaded": N_("待核对"), "checked": N_("已试导入"), "imported": N_("已导入"), "discarded": N_("已删除")}
UPLOAD_ENDPOINTS: set[str] = set()  # where a ledger is uploaded: a larger request is allowed there


def issue_text(issue: dict) -> str:
    return tr(Message(issue["template"], **(issue.get("params") or {})))


class ImportPages:
    """``blueprint``'s endpoints ``imports``, ``import_job``, ``run_import``,
    ``discard_import``, ``import_issues`` and ``import_template`` for ``ledger``."""

    def __init__(self, blueprint: str, ledger: str, *, title: str, done_endpoint: str, done_label: str,
                 sample: bool = False):
        self.blueprint, self.ledger, self.title = blueprint, ledger, title
        self.done_endpoint, self.done_label, self.sample = done_endpoint, done_label, sample
        UPLOAD_ENDPOINTS.add(f"{blueprint}.imports")

    ROUTES = (("/imports", "imports", ("GET", "POST")), ("/imports/<int:job_id>", "import_job", ("GET", "POST")),
              ("/imports/<int:job_id>/run", "run_import", ("POST",)),
              ("/imports/<int:job_id>/discard", "discard_import", ("POST",)),
              ("/imports/<int:job_id>/issues.xlsx", "import_issues", ("GET",)))

    def route(self, bp, roles: tuple[str, ...]) -> None:
        """The pages on ``bp`` (the blueprint named ``blueprint``), for ``roles``."""
        for rule, name, methods in self.ROUTES:
            bp.add_url_rule(rule, name, roles_required(*roles)(getattr(self, name)), methods=list(methods))

    def url(self, name: str, **values) -> str:
        return url_for(f"{self.blueprint}.{name}", **values)

    def _get(self, job_id: int):
        return service.get(current_user, job_id, self.ledger)

    def imports(self):
        form = UploadForm()
        if form.validate_on_submit():
            upload = form.file.data
            try:
                job = service.upload(actor(), current_user, upload.filename, upload.read(), ledger=self.ledger)
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                return redirect(self.url("import_job", job_id=job.id))
        return render("station/imports.html", form=form, jobs=service.recent(current_user, ledger=self.ledger),
                      max_mb=MAX_BYTES // (1024 * 1024), job_status=JOB_STATUS, pages=self)

    def _job_page(self, job, form=None, preview=None, problems=(), working=None):
        return render("station/import.html", job=job, form=form, preview=preview, problems=problems,
                      summary=job.summary, earlier=service.earlier_import(job), issue_text=issue_text,
                      status_labels=STATUS_LABELS, shown=shown, working=working, pages=self)

    def import_job(self, job_id: int):
        job = self._get(job_id)
        working = import_jobs.active(job)
        if job.status in ("imported", "discarded") or working is not None:
            return self._job_page(job, working=working)  # a dry run or import in progress: its progress only
        grids = scope.grids(current_user)
        fields = service.kind_of(job).columns
        try:
            preview = service.preview(job)
        except ValidationFailed as exc:
            return self._job_page(job, problems=[tr(m) for m in exc.errors.values()])
        form = settings_form(job, preview, grids, posted=request.method == "POST", columns=fields)
        problems = []
        if request.method == "POST" and form.validate_on_submit():
            try:
                service.configure(actor(), current_user, job, sheet=form.sheet.data, header_row=form.header_row.data,
                                  mapping=form.mapping(), grid_id=form.grid_id.data)
                if request.form.get("action") == "check":
                    import_jobs.start_check(actor(), current_user, job)  # the page shows its progress
            except ValidationFailed as exc:
                problems = [tr(m) for m in exc.errors.values()]
            else:
                return redirect(self.url("import_job", job_id=job.id) + ("#summary" if job.summary else ""))
            preview = service.preview(job)
            form = settings_form(job, preview, grids, columns=fields)
        elif request.method == "GET":
            problems = [tr(m) for m in fields.check_mapping({int(i): k for i, k in (job.mapping or {}).items()})]
        return self._job_page(job, form=form, preview=preview, problems=problems)

    def run_import(self, job_id: int):
        job = self._get(job_id)
        try:
            import_jobs.start_run(actor(), current_user, job)  # the page shows its progress, then the result
        except ValidationFailed as exc:
            flash_refusal(exc)
        return redirect(self.url("import_job", job_id=job.id))

    def discard_import(self, job_id: int):
        job = self._get(job_id)
        service.discard(actor(), current_user, job)
        flash(gettext("已删除上传的文件"), "success")
        return redirect(self.url("imports"))

    def import_issues(self, job_id: int):
        """The rows with problems, as the file had them, with the row number and the
        problems in front: fix them in this file and import it again."""
        job = self._get(job_id)
        if job.status == "imported":  # the file is gone: what the import found
            return _stored_issues(job)
        try:
            analysis = service.analyse(current_user, job)
        except ValidationFailed as exc:
            flash_refusal(exc)
            return redirect(self.url("import_job", job_id=job.id))
        return xlsx_download(gettext("导入问题"), [issues_sheet(analysis)], audit_as="import_issues.export",
                             filters={"import_id": job.id}, full_ids=True)  # the rows as the file had them


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
    return xlsx_download(gettext("导入问题"), [Sheet(gettext("导入问题"), headers, rows, widths=[8, 10, 50, 12, 22])],
                         audit_as="import_issues.export", filters={"import_id": job.id}, full_ids=True)


def template_download(name: str, sheet: str, columns, keys: tuple[str, ...], notes: dict, optional: tuple[str, ...] = ()):
    """A blank template: the headers of ``keys``, and a sheet saying what each column
    takes (also the ``optional`` columns a ledger may add)."""
    headers = [gettext(columns.by_key[k].label) for k in keys]
    return xlsx_download(name, [
        Sheet(sheet, headers, [], widths=[12, 22] + [14] * (len(headers) - 2)),
        Sheet(gettext("填写说明"), [gettext("列"), gettext("说明")],
              [(gettext(columns.by_key[k].label), gettext(notes[k])) for k in (*keys, *optional)], widths=[16, 80]),
    ], audit_as=None)  # a blank template
