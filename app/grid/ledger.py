"""出租房屋台账: the rental ledger of the user's grids, filterable, exportable to .xlsx."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..core.templating import choice_label
from ..domain import choices
from ..domain.masking import mask_id_number
from ..services import scope
from ..services.common.spreadsheet import Sheet
from ..services.figures import report_areas
from ..services.rental import ledger as ledger_service
from ..web import render, roles_required, xlsx_download
from ..web.lists import cursor_arg, grid_choices, page_links, place_args, uses_picker
from . import bp
from .helpers import STAFF


def _query() -> dict:
    kind = request.args.get("kind")
    grid_id, area = place_args()
    return {"grid_id": grid_id, "area": area, "kind": kind if kind in choices.codes(choices.DWELLING_KINDS) else None,
            "filters": ledger_service.clean_filters(request.args)}


def _link_args(query: dict) -> dict:
    area = query["area"]
    return {"grid": query["grid_id"], "area": area.id if area else None, "kind": query["kind"], **query["filters"]}


@bp.get("/ledger")
@roles_required(*STAFF)
def ledger():
    query = _query()
    page = ledger_service.page(current_user, cursor=cursor_arg(), **query)
    args = _link_args(query)
    if uses_picker(current_user):  # a township or the county: township › community › grid, not 2,016 options
        chosen = query["area"] or (scope.get_grid(current_user, query["grid_id"]) if query["grid_id"] else None)
        where = dict(picker=report_areas.picker(current_user, chosen), grids=[])
    else:
        where = dict(picker=[], grids=grid_choices(scope.grids(current_user)))
    return render("grid/ledger.html", page=page, args=args, **where, page_url=page_links("grid.ledger", **args),
                  export_url=url_for("grid.ledger_export", **args))


def _signed(row) -> str:
    if row.signed is None:
        return ""
    return gettext("已签署") if row.signed else gettext("未签署")


@bp.get("/ledger.xlsx")
@roles_required(*STAFF)
def ledger_export():
    query = _query()
    headers = [gettext("地址"), gettext("网格"), gettext("类型"), gettext("房间数"), gettext("在住人数"),
               gettext("房东"), gettext("房东手机"), gettext("房东身份证号"), gettext("责任书"), gettext("最近走访")]
    grids = dict(grid_choices(scope.grids(current_user)))

    def rows():
        for r in ledger_service.all_rows(current_user, **query):
            d, landlord = r.dwelling, r.landlord
            yield [d.address, grids.get(d.grid_id, ""), choice_label(d.kind, choices.DWELLING_KINDS), d.rooms,
                   r.occupants, landlord.name if landlord else None, landlord.phone if landlord else None,
                   mask_id_number(landlord.id_number) if landlord and landlord.id_number else None,
                   _signed(r), r.last_visit.strftime("%Y-%m") if r.last_visit else None]

    sheet = Sheet(gettext("出租房屋台账"), headers, rows(), widths=[36, 18, 12, 8, 8, 10, 14, 20, 8, 10])
    return xlsx_download(gettext("出租房屋台账"), [sheet], audit_as="ledger.export",
                         filters={"grid_id": query["grid_id"], "area_id": query["area"].id if query["area"] else None,
                                  "kind": query["kind"], **query["filters"]})
