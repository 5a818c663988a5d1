"""Importing a people ledger: upload, map the columns, dry run, import (``web.ledger_pages``)."""
from __future__ import annotations

from flask import request
from flask_babel import gettext

from ..domain import ledger_columns
from ..domain.ledger_file import MAX_BYTES
from ..domain.text import N_
from ..services.common.spreadsheet import Sheet
from ..services.registry import import_samples as ledger_samples
from ..web import roles_required, xlsx_download
from ..web.ledger_pages import UPLOAD_ENDPOINTS, ImportPages, template_download
from . import bp

IMPORTERS = ("coordinator", "supervisor", "admin")
PAGES = ImportPages("station", "people", title=N_("导入人员台账"), done_endpoint="grid.home",
                    done_label=N_("查看人员"), sample=True)


@bp.before_app_request
def _upload_limit():
    """Ledgers may be larger than the app's other uploads (``MAX_CONTENT_LENGTH``). Set
    before any hook reads the form; a bigger file gets the "too large" page (413)."""
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = MAX_BYTES + 256 * 1024  # the file plus the form around it


PAGES.route(bp, IMPORTERS)


@bp.get("/imports/template.xlsx")
@roles_required(*IMPORTERS)
def import_template():
    return template_download(gettext("人员导入模板"), gettext("人员"), ledger_columns.PEOPLE, ledger_samples.TEMPLATE_FIELDS,
                             ledger_samples.TEMPLATE_NOTES, optional=("grid",))


@bp.get("/imports/sample.xlsx")
@roles_required(*IMPORTERS)
def import_sample():
    return xlsx_download(gettext("示例台账"), [Sheet(
        "台账", ledger_samples.SAMPLE_HEADERS, ledger_samples.sample_rows(),
        widths=[6, 8, 6, 22, 12, 16, 30, 20, 14, 20], preamble=ledger_samples.SAMPLE_PREAMBLE)],
        audit_as=None)  # made-up people
