"""What list pages share: the remembered search text, the grid filter, the page cursor
and the pager's links (``services.common.paging`` cuts the pages)."""
from __future__ import annotations

from flask import request, session, url_for
from flask_login import current_user

from ..models import Area
from ..services import scope
from ..services.common.errors import NotFound
from ..services.figures import report_areas
from ..services.common.paging import Cursor
from . import int_arg


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


# Up to this many grids a work list offers one chip per grid; above (a township, the
# county: 168 or 2,016 chips, 209 KB of HTML) the division-style picker.
CHIPS_UP_TO = 12


def uses_picker(user) -> bool:
    grids = scope.grid_ids(user)
    return grids is None or len(grids) > CHIPS_UP_TO


def area_arg() -> Area | None:
    """The area a list is narrowed to by the picker: the deepest of its selects
    (``?area_1=…&area_2=…``) that lies in the one above, or ``?area=`` (its links), if in
    the user's scope; None for the whole scope."""
    try:
        levels = [int_arg(f"area_{k}") for k in (1, 2, 3)]
        if any(levels):
            return report_areas.picked(current_user, levels)
        area_id = int_arg("area")
        return scope.get_area(current_user, area_id) if area_id else None
    except NotFound:
        return None


def place_args() -> tuple[int | None, Area | None]:
    """``(grid id, area)``: a grid (a chip, or picked) or a larger area (picked) of the
    user's scope, or neither (the whole scope)."""
    area = area_arg()
    if area is not None and area.is_grid:
        return area.id, None
    return grid_arg(), area


def grid_label(grid) -> str:
    """``scope.grid_name`` for the signed-in user (the templates' ``grid_label`` filter)."""
    return scope.grid_name(current_user, grid) if current_user.is_authenticated else (grid.label if grid else "")


def grid_choices(grids) -> list[tuple[int, str]]:
    """(id, name) of grids to pick from: with the township whenever they span several."""
    across = len({g.township_id for g in grids}) > 1
    return [(g.id, g.path_label if across else g.label) for g in grids]


def cursor_arg() -> Cursor:
    """Where the page starts (``?after=`` / ``?before=`` a row's id) and whether the total is
    to be counted exactly (``?exact=1``, the tap on an estimated total)."""
    return Cursor(after=int_arg("after"), before=int_arg("before"), exact=request.args.get("exact") == "1")


def page_links(endpoint: str, **args):
    """``page_url(**cursor)`` for the pager macro: the list's URL with its filters and a cursor
    (``after=``, ``before=``, ``exact=``; none for the first page)."""
    args = {k: v for k, v in args.items() if v not in (None, "")}
    return cursor_links(lambda **cursor: url_for(endpoint, **args, **cursor))


def cursor_links(url_of):
    """``page_url(**cursor)`` from a function making the list's URL with extra arguments."""
    def page_url(**cursor):
        return url_of(**{k: v for k, v in cursor.items() if v})
    return page_url
