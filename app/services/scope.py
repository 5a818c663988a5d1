"""Least privilege by area: the one place that decides which records a user may see.

Every query for people or dwellings starts from ``people(user)`` / ``dwellings(user)``
(or filters with ``grid_filter``); records outside scope are ``NotFound``.
"""
from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import ApiToken, Area, AreaLevel, Dwelling, Person, Role, Tenancy, User, user_grids
from ..models.area import township_in
from .common.errors import NotFound
from .common.bulk import any_of


# Up to this many grids, a user's grids are loaded whole when their paths are needed.
FEW_GRIDS = 50


def grid_ids(user: User) -> list[int] | None:
    """The ids of the grids the user works in; ``None`` means everywhere.

    Resolved with one small query and put in the statement as a list, not as a
    sub-select: with the ids in hand PostgreSQL knows how many people the filter keeps
    (about 500 per grid, from its statistics). Given a sub-select it guessed half the
    table, and for a coordinator's search it walked the name index of a million people.
    """
    if user.role == Role.ADMIN.value:
        return None
    # A page asks several times (list, counts, grid chips, search): once per request.
    memo = request.environ.setdefault("anju.grid_ids", {}) if has_request_context() else {}
    key = (user.id, user.role, user.area_id)
    if key not in memo:
        memo[key] = _grid_ids(user)
    return list(memo[key])


def _grid_ids(user: User) -> list[int]:
    if user.role == Role.COORDINATOR.value:
        stmt = select(user_grids.c.area_id).where(user_grids.c.user_id == user.id)
    elif user.role in (Role.SUPERVISOR.value, Role.HEALTH.value) and user.area is not None:
        stmt = select(Area.id).where(
            Area.path.startswith(user.area.path + f"{user.area_id}/"),
            Area.level == AreaLevel.GRID.value,
        )
    elif user.role == ApiToken.ROLE and user.areas:  # an integration: the grids in and below its areas
        stmt = select(Area.id).where(Area.level == AreaLevel.GRID.value, or_(
            Area.id.in_([a.id for a in user.areas]),
            *[Area.path.startswith(f"{a.path}{a.id}/") for a in user.areas]))
    else:
        return []
    return list(db.session.scalars(stmt.order_by(stmt.selected_columns[0])))


def grid_filter(user: User, column):
    """``column`` in the user's grids (one array parameter on PostgreSQL: a township's 168
    grid ids, or a county's 2,016, are not sent and parsed as as many parameters)."""
    ids = grid_ids(user)
    return None if ids is None else any_of(column, ids)


def _scoped(stmt: Select, user: User, column) -> Select:
    condition = grid_filter(user, column)
    return stmt if condition is None else stmt.where(condition)


def people(user: User) -> Select:
    return _scoped(select(Person), user, Person.grid_id)


def dwellings(user: User) -> Select:
    return _scoped(select(Dwelling), user, Dwelling.grid_id)


def grids(user: User) -> list[Area]:
    """The user's grids, by code (once per request)."""
    memo = request.environ.setdefault("anju.grids", {}) if has_request_context() else {}
    key = (user.id, user.role, user.area_id)
    if key not in memo:
        stmt = _scoped(select(Area).where(Area.level == AreaLevel.GRID.value), user, Area.id)
        # Grids are shown with their community's and, across townships, township's name
        # (Area.label, Area.path_label): load them in the same query.
        memo[key] = list(db.session.scalars(stmt.options(joinedload(Area.parent).joinedload(Area.parent))
                                            .order_by(Area.code)))
    return list(memo[key])


def grid_name(user: User, grid: Area | None) -> str:
    """A grid's name as ``user`` needs it: “文一社区 第1网格” within one township, the whole
    path “北山街道 › 文一社区 › 第1网格” when the user's grids span several (two townships
    may each have a “文一社区 第1网格”)."""
    if grid is None:
        return ""
    return grid.path_label if spans_townships(user) else grid.label


def spans_townships(user: User) -> bool:
    """Whether the user's grids lie in more than one township (the admin's do): then a grid
    is named with its township (``Area.path_label``). Once per request."""
    memo = request.environ.setdefault("anju.spans", {}) if has_request_context() else {}
    key = (user.id, user.role, user.area_id)
    if key not in memo:
        ids = grid_ids(user)
        if ids is not None and len(ids) <= FEW_GRIDS:  # a coordinator's: their grids, loaded anyway
            paths = [g.path for g in grids(user)]
        else:
            stmt = _scoped(select(Area.path).where(Area.level == AreaLevel.GRID.value), user, Area.id)
            paths = db.session.scalars(stmt.distinct())
        memo[key] = len({township_in(path) for path in paths}) > 1
    return memo[key]


def areas(user: User) -> Select:
    """Areas the user may see: their grids and everything under their township."""
    if user.role == Role.ADMIN.value:
        return select(Area)
    if user.role == Role.COORDINATOR.value:
        return select(Area).where(Area.id.in_(grid_ids(user)))
    if user.area is None:
        return select(Area).where(false())
    return select(Area).where(
        (Area.id == user.area_id) | Area.path.startswith(user.area.path + f"{user.area_id}/")
    )


MAX_KEY = 2**31 - 1


def _check_key(key) -> int:
    """Keys from URLs: anything a database integer cannot hold does not exist."""
    if not isinstance(key, int) or not 0 < key <= MAX_KEY:
        raise NotFound("key")
    return key


def first_or_not_found(stmt: Select, key, name: str):
    """The first row of a statement already cut to the user's scope, or ``NotFound``."""
    _check_key(key)
    found = db.session.scalars(stmt).first()
    if found is None:
        raise NotFound(name)
    return found


def get_person(user: User, person_id: int) -> Person:
    _check_key(person_id)
    person = db.session.scalars(people(user).where(Person.id == person_id)).first()
    if person is None:
        raise NotFound("person")
    return person


def get_dwelling(user: User, dwelling_id: int) -> Dwelling:
    _check_key(dwelling_id)
    dwelling = db.session.scalars(dwellings(user).where(Dwelling.id == dwelling_id)).first()
    if dwelling is None:
        raise NotFound("dwelling")
    return dwelling


def get_grid(user: User, grid_id: int) -> Area:
    _check_key(grid_id)
    stmt = select(Area).where(Area.id == grid_id, Area.level == AreaLevel.GRID.value)
    grid = db.session.scalars(_scoped(stmt, user, Area.id)).first()
    if grid is None:
        raise NotFound("grid")
    return grid


def may_see_grid(user: User, grid_id: int) -> bool:
    try:
        get_grid(user, grid_id)
    except NotFound:
        return False
    return True


# -- Landlords: their own dwellings only, whatever the area ---------------------------------

def landlord_dwellings(user: User) -> Select:
    if user.role != Role.LANDLORD.value or user.landlord_id is None:
        return select(Dwelling).where(false())
    return select(Dwelling).where(Dwelling.landlord_id == user.landlord_id)


def get_landlord_dwelling(user: User, dwelling_id: int) -> Dwelling:
    _check_key(dwelling_id)
    dwelling = db.session.scalars(landlord_dwellings(user).where(Dwelling.id == dwelling_id)).first()
    if dwelling is None:
        raise NotFound("dwelling")
    return dwelling


def get_landlord_tenancy(user: User, tenancy_id: int) -> Tenancy:
    """A current tenancy in one of the landlord's dwellings."""
    _check_key(tenancy_id)
    dwelling_ids = landlord_dwellings(user).with_only_columns(Dwelling.id)
    tenancy = db.session.scalars(select(Tenancy).where(
        Tenancy.id == tenancy_id, Tenancy.end_on.is_(None), Tenancy.dwelling_id.in_(dwelling_ids))).first()
    if tenancy is None:
        raise NotFound("tenancy")
    return tenancy
def get_area(user: User, area_id: int) -> Area:
    """An area the user may see (reports choose any of them), else NotFound."""
    _check_key(area_id)
    area = db.session.scalars(areas(user).where(Area.id == area_id)).first()
    if area is None:
        raise NotFound("area")
    return area
