"""Printing, reissuing and revoking convenience service cards."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..card.qr import card_url, code_entry_url, svg_data_uri
from ..domain.cards import format_short_code
from ..services import areas, cards, scope
from ..services.errors import ValidationFailed
from ..web import actor, render, roles_required, tr
from . import bp
from .helpers import STAFF


def _sheet(grid, issued):
    """Everything the print template needs for each card."""
    station = areas.township_of(grid)
    phone = cards.coordinator_phone(grid.id)
    return [{"person": person, "short_code": format_short_code(card.short_code), "qr": svg_data_uri(card_url(card.token)),
             "station": station, "coordinator_phone": phone} for person, card in issued]


@bp.get("/cards")
@roles_required(*STAFF)
def cards_home():
    counts = cards.unprinted_counts(current_user)
    return render("grid/cards.html", grids=[(g, counts.get(g.id, 0)) for g in scope.grids(current_user)])


@bp.post("/cards/print")
@roles_required(*STAFF)
def print_cards():
    grid_id = request.form.get("grid_id", "")
    grid = scope.get_grid(current_user, int(grid_id)) if grid_id.isdigit() else None
    if grid is None:
        return redirect(url_for("grid.cards_home"))
    issued = cards.print_batch(actor(), current_user, grid.id)
    if not issued:
        flash(gettext("该网格没有待打印的联系卡"), "info")
        return redirect(url_for("grid.cards_home"))
    return render("grid/cards_print.html", sheet=_sheet(grid, issued), grid=grid, code_url=code_entry_url())


@bp.post("/people/<int:person_id>/card/reissue")
@roles_required(*STAFF)
def reissue_card(person_id: int):
    try:
        issued = cards.reissue(actor(), current_user, person_id)
    except ValidationFailed as exc:
        flash(tr(next(iter(exc.errors.values()))), "error")
        return redirect(url_for("grid.person", person_id=person_id))
    person = issued.card.person
    return render("grid/cards_print.html", sheet=_sheet(person.grid, [(person, issued)]), grid=person.grid,
                  code_url=code_entry_url())


@bp.post("/people/<int:person_id>/card/revoke")
@roles_required(*STAFF)
def revoke_card(person_id: int):
    cards.revoke(actor(), current_user, person_id)
    flash(gettext("联系卡已停用"), "success")
    return redirect(url_for("grid.person", person_id=person_id))
