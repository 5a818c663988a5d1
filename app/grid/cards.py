"""Printing, reissuing and revoking convenience service cards."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..card.qr import card_url, code_entry_url, svg_data_uri
from ..domain.cards import format_short_code
from ..domain.keys import parse_key
from ..services import scope
from ..services.admin import areas
from ..services.cards import issuing as cards
from ..services.common.errors import ValidationFailed
from ..web import actor, render, roles_required
from ..web.forms import flash_refusal
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
    return render("grid/cards.html", grids=[(g, counts.get(g.id, 0)) for g in scope.grids(current_user)],
                  batches=cards.recent_batches(current_user))


def _print_sheet(grid, batch, issued):
    return render("grid/cards_print.html", sheet=_sheet(grid, issued), grid=grid, batch=batch,
                  code_url=code_entry_url())


@bp.post("/cards/print")
@roles_required(*STAFF)
def print_cards():
    grid_id = parse_key(request.form.get("grid_id"))
    grid = scope.get_grid(current_user, grid_id) if grid_id else None
    if grid is None:
        return redirect(url_for("grid.cards_home"))
    batch, issued = cards.print_batch(actor(), current_user, grid.id)
    if not issued:
        flash(gettext("该网格没有待打印的联系卡"), "info")
        return redirect(url_for("grid.cards_home"))
    return _print_sheet(grid, batch, issued)


@bp.post("/cards/batches/<int:batch_id>/reprint")
@roles_required(*STAFF)
def reprint_cards(batch_id: int):
    """重印此批: a sheet that came out wrong, printed again with every card reissued."""
    try:
        batch, issued = cards.reprint_batch(actor(), current_user, batch_id)
    except ValidationFailed as exc:
        flash_refusal(exc)
        return redirect(url_for("grid.cards_home"))
    return _print_sheet(scope.get_grid(current_user, batch.grid_id), batch, issued)


@bp.post("/people/<int:person_id>/card/reissue")
@roles_required(*STAFF)
def reissue_card(person_id: int):
    try:
        issued = cards.reissue(actor(), current_user, person_id)
    except ValidationFailed as exc:
        flash_refusal(exc)
        return redirect(url_for("grid.person", person_id=person_id))
    person = issued.card.person
    return _print_sheet(person.grid, issued.card.batch, [(person, issued)])


@bp.post("/people/<int:person_id>/card/revoke")
@roles_required(*STAFF)
def revoke_card(person_id: int):
    cards.revoke(actor(), current_user, person_id)
    flash(gettext("联系卡已停用"), "success")
    return redirect(url_for("grid.person", person_id=person_id))
