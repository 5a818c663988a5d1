"""Pieces the grid views share."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..services import dwellings as dwelling_service
from ..services import scope
from ..services.errors import ValidationFailed
from ..web import tr

STAFF = ("coordinator", "supervisor", "admin")


def fill_place_choices(form, grid_id: int | None = None) -> int:
    """Grid and dwelling options for the user's grids; returns the grid in use."""
    grids = scope.grids(current_user)
    if not grids:
        abort(403)
    form.grid_id.choices = [(g.id, f"{g.parent.name if g.parent else ''} {g.name}".strip()) for g in grids]
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
