"""Pieces the grid views share."""
from __future__ import annotations

from flask import abort, request, session
from flask_login import current_user

from ..services import dwellings as dwelling_service
from ..services import scope
from ..services.errors import ValidationFailed
from ..web import int_arg, tr

STAFF = ("coordinator", "supervisor", "admin")


def fill_place_choices(form, grid_id: int | None = None) -> int:
    """Grid and dwelling options for the user's grids; returns the grid in use."""
    grids = scope.grids(current_user)
    if not grids:
        abort(403)
    form.grid_id.choices = [(g.id, g.label) for g in grids]
    chosen = grid_id or form.grid_id.data
    if chosen in {g.id for g in grids}:
        form.grid_id.data = chosen
    elif form.grid_id.data is None:
        chosen = form.grid_id.data = grids[0].id
    else:  # a grid outside scope was posted: the select's own validation refuses it
        chosen = grids[0].id
    form.dwelling_id.choices = [("", "—")] + [(d.id, d.address) for d in dwelling_service.in_grid(chosen)]
    return chosen


def apply_errors(form, exc: ValidationFailed) -> None:
    """Put a service's field errors on the form; unknown fields go on the form itself."""
    for name, message in exc.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [tr(message)]
        else:
            form.form_errors.append(tr(message))


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


def remembered_search(key: str) -> str:
    """The search text of a list page.

    It may be a name or an ID number, so it travels in a POST body and the session,
    never in the URL (URLs end up in logs and browser history); the session keeps it
    for the back button and for paging links.
    """
    if request.method == "POST":
        session[key] = (request.form.get("q") or "").strip()[:50]
    return session.get(key, "")


def grid_arg() -> int | None:
    """``?grid=`` if it is one of the user's grids, else None (all of them)."""
    grid_id = int_arg("grid")
    return grid_id if grid_id and scope.may_see_grid(current_user, grid_id) else None
