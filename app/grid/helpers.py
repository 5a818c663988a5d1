"""Pieces the grid views share."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, request
from flask_login import current_user

from ..services import scope
from ..web import MAX_ID
from ..services.registry import dwellings as dwelling_service
from ..web.lists import grid_choices

STAFF = ("coordinator", "supervisor", "admin")


DWELLINGS_SHOWN = 100  # options in a dwelling picker; more are found by typing part of the address


@dataclass
class DwellingOptions:
    options: list  # (id, address)
    more: bool  # more dwellings match than are shown
    selected: int | None


def dwelling_options(grid_id: int, q: str = "", selected: int | None = None,
                     pick_single: bool = False) -> DwellingOptions:
    """A grid's dwellings for a picker: those whose address contains ``q``, the one already
    selected kept; with ``pick_single`` (a search just made) a single match is selected."""
    found = dwelling_service.in_grid(grid_id, q, limit=DWELLINGS_SHOWN + 1)
    options = [(d.id, d.address) for d in found[:DWELLINGS_SHOWN]]
    if not isinstance(selected, int) or not 0 < selected <= MAX_ID:
        selected = None  # typed into the request: a key no database integer holds is no dwelling
    if selected and selected not in {key for key, _ in options}:
        kept = dwelling_service.in_grid_by_id(grid_id, selected)
        options += [(kept.id, kept.address)] if kept else []
    if pick_single and q.strip() and len(options) == 1:
        selected = options[0][0]
    return DwellingOptions(options, len(found) > DWELLINGS_SHOWN, selected)


def searched_dwelling() -> str:
    """The text typed into a dwelling picker's search box (a POST field, never in a URL)."""
    return (request.form.get("dwelling_q") or "").strip()[:50]


def fill_place_choices(form, grid_id: int | None = None, user=None) -> int:
    """Grid and dwelling options for the user's grids; returns the grid in use."""
    grids = scope.grids(user or current_user)
    if not grids:
        abort(403)
    form.grid_id.choices = grid_choices(grids)
    chosen = grid_id or form.grid_id.data
    if chosen in {g.id for g in grids}:
        form.grid_id.data = chosen
    elif form.grid_id.data is None:
        chosen = form.grid_id.data = grids[0].id
    else:  # a grid outside scope was posted: the select's own validation refuses it
        chosen = grids[0].id
    found = dwelling_options(chosen, searched_dwelling(), form.dwelling_id.data,
                             pick_single=bool(request.form.get("find_dwelling")))
    form.dwelling_id.choices = [("", "—")] + found.options
    form.dwelling_id.data = found.selected
    return chosen


def stale_rows(form, mine: dict, theirs: dict) -> list[tuple]:
    """The table of a form refused as stale: (label, what the user typed, what the record
    holds now) for each field where they differ; codes of a select shown by their labels."""
    rows = []
    for name, typed in mine.items():
        now = theirs.get(name)
        if (typed or None) == (now or None):
            continue
        field = getattr(form, name, None)
        shown = {choice[0]: choice[1] for choice in getattr(field, "choices", None) or ()}
        rows.append((field.label.text if hasattr(field, "label") else name,
                     shown.get(typed, typed), shown.get(now, now)))
    return rows


