"""The people list as an .xlsx file, with the list's current filters."""
from __future__ import annotations

from flask import request
from flask_babel import gettext
from flask_login import current_user

from ..services.common.spreadsheet import Sheet
from ..services.registry import people_export
from ..web import roles_required, xlsx_download
from ..web.lists import place_args, remembered_search
from . import bp
from .helpers import STAFF


@bp.get("/export.xlsx")
@roles_required(*STAFF)
def export_people():
    """All pages of what /grid/ shows: its grid and status, and the search remembered
    in the session (never in the URL)."""
    q, (grid_id, area) = remembered_search("q"), place_args()
    status = request.args.get("status", "present")
    full = request.args.get("full") == "1" and people_export.may_see_full_ids(current_user)
    export = people_export.people_rows(current_user, q=q, grid_id=grid_id, area=area, status=status, full_ids=full,
                                       label=lambda text: gettext(text) if text else None)
    headers = [gettext(h) for h in people_export.HEADERS]
    return xlsx_download(gettext("人员名单"), [Sheet(gettext("人员名单"), headers, export.rows,
                                                     widths=people_export.WIDTHS)],
                         audit_as="person.export", full_ids=full,
                         filters={"grid_id": grid_id, "status": status, "search": bool(q.strip()),
                                  **({"area_id": area.id} if area else {})})
