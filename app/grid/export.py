"""The people list as an .xlsx file, with the list's current filters."""
from __future__ import annotations

from flask import request
from flask_babel import gettext
from flask_login import current_user

from ..services import people_export
from ..services.export import Sheet
from ..web import actor, roles_required, xlsx_download
from . import bp
from .helpers import STAFF, grid_arg, remembered_search


@bp.get("/export.xlsx")
@roles_required(*STAFF)
def export_people():
    """All pages of what /grid/ shows: its grid and status, and the search remembered
    in the session (never in the URL)."""
    q, grid_id = remembered_search("q"), grid_arg()
    status = request.args.get("status", "present")
    full = request.args.get("full") == "1" and people_export.may_see_full_ids(current_user)
    export = people_export.people_rows(current_user, q=q, grid_id=grid_id, status=status, full_ids=full,
                                       label=lambda text: gettext(text) if text else None)
    headers = [gettext(h) for h in people_export.HEADERS]
    response = xlsx_download(gettext("人员名单"), [Sheet(gettext("人员名单"), headers, export.rows,
                                                       widths=people_export.WIDTHS)])
    # The file is complete (written to a temporary file) before it is sent: the count is known.
    people_export.record(actor(), current_user, q=q, grid_id=grid_id, status=status, full_ids=full,
                         rows=export.counted[0])
    return response
