"""The areas a report covers: which one is asked for, what lies below it, its path."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ...extensions import db
from ...models import Area, AreaLevel, Role, User
from .. import scope


def resolve(user: User, area_id: int | None) -> Area | None:
    """The area asked for (404 outside the user's scope), or the user's own: a
    supervisor's township, the admin's county. None stands for a deployment of several
    counties, seen whole by an admin."""
    if area_id is not None:
        return scope.get_area(user, area_id)
    if user.role != Role.ADMIN.value:
        if user.area is None:
            raise scope.NotFound("area")
        return user.area
    roots = db.session.scalars(select(Area).where(Area.parent_id.is_(None)).order_by(Area.code).limit(2)).all()
    return roots[0] if len(roots) == 1 else None


def _under(area: Area):
    return Area.path.startswith(area.path + f"{area.id}/")


def grid_paths(area: Area | None) -> dict[int, str]:
    """Every grid the area covers (a grid covers itself), with its path."""
    if area is not None and area.is_grid:
        return {area.id: area.path}
    stmt = select(Area.id, Area.path).where(Area.level == AreaLevel.GRID.value)
    if area is not None:
        stmt = stmt.where(_under(area))
    return dict(db.session.execute(stmt.order_by(Area.id)).all())


def grid_ids(area: Area | None) -> list[int]:
    return list(grid_paths(area))


def place(parts: list[Area], paths: dict[int, str]) -> dict[int, int]:
    """``{grid id: id of the part it lies in}``: the part on the grid's path
    (``/county/township/community/``), or the grid itself."""
    wanted = {p.id for p in parts}
    out = {}
    for grid, path in paths.items():
        for node in [grid, *reversed([int(i) for i in path.strip("/").split("/") if i])]:
            if node in wanted:
                out[grid] = node
                break
    return out


def covers_everything(area: Area | None, grids: list[int]) -> bool:
    """True when the area's grids are all the grids there are (no filter needed)."""
    if area is None:
        return True
    total = db.session.scalar(select(func.count()).select_from(Area).where(Area.level == AreaLevel.GRID.value))
    return len(grids) == total


def children(area: Area | None) -> list[Area]:
    """What a report breaks the area down into: townships, communities, grids; a grid is
    its own only part."""
    if area is not None and area.is_grid:
        return [area]
    condition = Area.parent_id.is_(None) if area is None else Area.parent_id == area.id
    return list(db.session.scalars(select(Area).where(condition).order_by(Area.code)))


def lineage(user: User, area: Area | None) -> list[Area]:
    """From the highest area the user may see down to ``area`` (for the breadcrumb)."""
    if area is None:
        return []
    ids = [int(i) for i in area.path.strip("/").split("/") if i] + [area.id]
    rows = {a.id: a for a in db.session.scalars(select(Area).where(Area.id.in_(ids)))}
    path = [rows[i] for i in ids if i in rows]
    if user.role != Role.ADMIN.value and user.area is not None:
        path = path[next((n for n, a in enumerate(path) if a.id == user.area_id), 0):]
    return path


def choices(user: User, with_grids: bool | None = None) -> list[Area]:
    """The areas offered in a report's area menu, parents before children. Admins get
    counties, townships and communities (grids are reached from their community's
    figures); supervisors get their township down to its grids."""
    stmt = scope.areas(user)
    if with_grids is None:
        with_grids = user.role != Role.ADMIN.value
    if not with_grids:
        stmt = stmt.where(Area.level != AreaLevel.GRID.value)
    rows = db.session.scalars(stmt).all()
    by_parent: dict[int | None, list[Area]] = {}
    ids = {a.id for a in rows}
    for a in rows:
        by_parent.setdefault(a.parent_id if a.parent_id in ids else None, []).append(a)
    out: list[Area] = []

    def walk(parent):
        for a in sorted(by_parent.get(parent, []), key=lambda a: a.code):
            out.append(a)
            walk(a.id)
    walk(None)
    return out


@dataclass
class PickerLevel:
    """One select of the division-style picker: the areas to choose from, the chosen one."""

    options: list[Area]
    chosen: Area | None


def picker(user: User, chosen: Area | None) -> list[PickerLevel]:
    """Township › community › grid (from the user's own area down): at each level the
    parts of the area chosen above, down to the one chosen and one level below it. The
    work list of a township or the county offers this rather than one chip per grid."""
    top = resolve(user, None)
    if top is None or top.is_grid:
        return []
    path = lineage(user, chosen)[1:] if chosen is not None else []
    levels, parent = [], top
    for area in [*path, None]:
        options = children(parent)
        if not options or options == [parent]:
            break
        levels.append(PickerLevel(options, area))
        if area is None or area.is_grid:
            break
        parent = area
    return levels


def picked(user: User, values: list[int | None]) -> Area | None:
    """The deepest area of the picker's selects (``values`` from the top) that lies in the
    one chosen above it: a lower select left over from an earlier choice is ignored."""
    parent, chosen = resolve(user, None), None
    if parent is None:
        return None
    for value in values:
        if not value:
            break
        area = db.session.get(Area, value)
        if area is None or area.parent_id != parent.id:
            break
        chosen = parent = area
    return chosen


def depth(area: Area) -> int:
    return area.path.count("/") - 1

