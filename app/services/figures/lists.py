"""The lists behind the figures: who was counted, or who is missing, for one area and
month. A list is a source and a condition of ``services.figures.measures``, the same ones its
figure counts, so the two always agree."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...domain.months import Month
from ...extensions import db
from ...models import Appointment, Area, ChangeRequest, Dwelling, Person, Tenancy
from ..common.bulk import any_of
from ..common import paging
from ..common.paging import Cursor, Page, Seek
from . import store as figure_store
from .measures import Condition, Context, Source


@dataclass(frozen=True)
class Fix:
    """Where a listed record is put right: ``url_for(endpoint, **{arg: row.<attr>})``
    (``attr`` may follow a relationship: ``dwelling.grid_id``; no link where it is None),
    at ``anchor`` on that page (formatted with the record as ``obj``)."""

    endpoint: str
    arg: str
    attr: str
    label: str
    anchor: str | None = None


@dataclass(frozen=True, eq=False)
class ListDef:
    key: str
    title: str
    source: Source
    condition: Condition
    kind: str = "person"  # what the list shows: person, tenancy, change (a pending report), dwelling, appointment
    detail: Callable[[list, Context, Month], dict[int, object]] | None = None
    fix: Fix | None = None


@dataclass
class Row:
    obj: object  # Person, Tenancy, ChangeRequest, Dwelling or Appointment
    person: Person | None
    detail: object = None

    @property
    def grid(self) -> Area | None:
        if isinstance(self.obj, Tenancy):
            return self.obj.dwelling.grid if self.obj.dwelling else None
        if isinstance(self.obj, Appointment):
            return self.obj.person.grid if self.obj.person else None
        return self.obj.grid

    def value(self, attr: str):
        value = self.obj
        for name in attr.split("."):
            value = None if value is None else getattr(value, name)
        return value

    def anchor(self, fix: Fix) -> str | None:
        return fix.anchor.format(obj=self.obj) if fix.anchor else None


def _unordered(kind: str, found) -> tuple:
    """Ids of ``found`` and the columns that put them in the order the list shows them
    (the id last)."""
    if kind == "tenancy":  # by tenant: the matches carry them, no second pass over tenancies
        return (select(found.c.id).join(Person, Person.id == found.c.person_id), (Person.name, found.c.id))
    if kind == "change":
        return (select(ChangeRequest.id).join(found, found.c.id == ChangeRequest.id),
                (ChangeRequest.created_at, ChangeRequest.id))
    if kind == "dwelling":
        return select(Dwelling.id).join(found, found.c.id == Dwelling.id), (Dwelling.address, Dwelling.id)
    if kind == "appointment":  # by date, then the person's name
        return (select(found.c.id).join(Appointment, Appointment.id == found.c.id)
                .join(Person, Person.id == Appointment.person_id), (Appointment.due_on, Person.name, found.c.id))
    return select(Person.id).join(found, found.c.id == Person.id), (Person.name, Person.id)


def _ordered(kind: str, found):
    """Ids of ``found`` in the order the list shows them."""
    stmt, order = _unordered(kind, found)
    return stmt.order_by(*order)


def _key_of(kind: str, row_id: int):
    """The sort key of row ``row_id`` of a ``kind`` list (a page link's cursor)."""
    model = _MODELS.get(kind, Person)
    one = select(model.id.label("id")).where(model.id == row_id).subquery("one")
    if kind == "tenancy":
        one = select(Tenancy.id.label("id"), Tenancy.person_id).where(Tenancy.id == row_id).subquery("one")
    stmt, order = _unordered(kind, one)
    return db.session.execute(stmt.with_only_columns(*order)).first()


# Up to this many matches, they are found first and then sorted (milliseconds); above it
# the database walks the name index and tests each person it meets (as services.registry.search).
SORT_ALL_UP_TO = 10_000
# Lists up to this long (most fix-it lists) are found first and sorted by their ids.
FIND_FIRST_UP_TO = 2_000
_MODELS = {"tenancy": Tenancy, "change": ChangeRequest, "dwelling": Dwelling, "appointment": Appointment}


def _in_order(listing: "ListDef", ctx: Context, month: Month, total: int):
    return _ordered(listing.kind, _sorting(listing, ctx, month, total))


def _sorting(listing: "ListDef", ctx: Context, month: Month, total: int):
    """The matches as the list is sorted from: found first up to ``SORT_ALL_UP_TO``."""
    matches = _matches(listing, ctx, month)
    if total <= SORT_ALL_UP_TO:
        matches = select(matches).cte("found").prefix_with("MATERIALIZED", dialect="postgresql")
    return matches


def _found(listing: "ListDef", ctx: Context, month: Month):
    """A short list's matches found first, as a table to sort: their ids as one array
    parameter. (Sorting the matching statement itself, PostgreSQL guessed tens of
    thousands of rows where there were seventy, and hashed a million people to sort them.)"""
    model = _MODELS.get(listing.kind, Person)
    ids = [row.id for row in db.session.execute(select(_matches(listing, ctx, month)))]
    columns = [model.id.label("id"), Tenancy.person_id] if listing.kind == "tenancy" else [model.id.label("id")]
    return select(*columns).where(any_of(model.id, ids)).subquery("found")


def _load(kind: str, ids: list[int]) -> list:
    if kind == "tenancy":
        stmt = select(Tenancy).options(joinedload(Tenancy.person),
                                       joinedload(Tenancy.dwelling).joinedload(Dwelling.grid).joinedload(Area.parent),
                                       joinedload(Tenancy.dwelling).joinedload(Dwelling.landlord))
        model = Tenancy
    elif kind == "change":
        stmt = select(ChangeRequest).options(joinedload(ChangeRequest.person),
                                             joinedload(ChangeRequest.grid).joinedload(Area.parent))
        model = ChangeRequest
    elif kind == "dwelling":
        stmt = select(Dwelling).options(joinedload(Dwelling.grid).joinedload(Area.parent),
                                        joinedload(Dwelling.landlord))
        model = Dwelling
    elif kind == "appointment":
        stmt = select(Appointment).options(
            joinedload(Appointment.person).joinedload(Person.grid).joinedload(Area.parent),
            joinedload(Appointment.person).joinedload(Person.dwelling), joinedload(Appointment.service_type))
        model = Appointment
    else:
        stmt = select(Person).options(joinedload(Person.grid).joinedload(Area.parent), joinedload(Person.dwelling))
        model = Person
    by_id = {o.id: o for o in db.session.scalars(stmt.where(model.id.in_(ids))).unique()}
    return [by_id[i] for i in ids if i in by_id]


def _rows(listing: ListDef, objects: list, ctx: Context, month: Month) -> list[Row]:
    details = listing.detail(objects, ctx, month) if listing.detail and objects else {}
    rows = [Row(o, o if isinstance(o, Person) else getattr(o, "person", None), details.get(o.id)) for o in objects]
    _load_ancestors([r.grid for r in rows])
    return rows


def _load_ancestors(grids: list) -> None:
    """The areas above ``grids`` in the session, in one query: a grid's name across
    townships (``Area.path_label``) walks up to the county, and lazy-loading each parent
    was a query per township on every page."""
    ids = {int(i) for g in grids if g is not None for i in g.path.strip("/").split("/") if i}
    if ids:  # kept referenced for the request: the session's identity map holds objects weakly
        db.session.info.setdefault("anju.areas", []).extend(db.session.scalars(select(Area).where(Area.id.in_(ids))))


def _matches(listing: ListDef, ctx: Context, month: Month):
    t = listing.source.table(ctx)
    columns = [t.c.id, t.c.person_id] if listing.kind == "tenancy" else [t.c.id]
    return select(*columns).where(listing.condition(t.c, month, ctx)).subquery("matches")


def count(listing: ListDef, ctx: Context, month: Month) -> int:
    return db.session.scalar(select(func.count()).select_from(_matches(listing, ctx, month)))


def stored_length(coverage, month: Month, plus: str, minus: str | None = None) -> Callable[[], int | None]:
    """A list's length as the figure store has it, for ``page``'s estimate: the figure
    ``plus`` (less ``minus``: who the denominator counts and the numerator does not)
    summed over the coverage's grids; None when not stored for every grid."""
    def estimate():
        keys = [plus] + ([minus] if minus else [])
        got = figure_store.stored_sums(keys, None if coverage.everything else coverage.grid_ids, month)
        if got is None:
            return None
        sums, _ = got
        return sums[plus] - (sums[minus] if minus else 0)
    return estimate


def page(listing: ListDef, ctx: Context, month: Month, cursor: Cursor = Cursor(), per_page: int = 50, *,
         estimate: Callable[[], int | None] | None = None) -> Page:
    """One page of the list over ``ctx``'s grids from ``cursor``, and how many rows it has
    in all (``paging.total``: exact up to ``paging.EXACT_UP_TO``, else estimated: from the
    figure store, ``stored_length``, if given)."""
    total = paging.total(select(_matches(listing, ctx, month)), cursor, estimate=estimate)
    if total.exact and total.value <= FIND_FIRST_UP_TO:
        found = _found(listing, ctx, month)
    else:
        found = _sorting(listing, ctx, month, total.value if total.exact else SORT_ALL_UP_TO + 1)
    stmt, order = _unordered(listing.kind, found)
    seek = Seek.of(cursor, order, per_page, lambda i: _key_of(listing.kind, i))
    ids = seek.page(db.session.scalars(seek.apply(stmt)).all(), total, lambda i: i)
    return ids.mapped_all(lambda chosen: _rows(listing, _load(listing.kind, chosen), ctx, month))


def every_row(listing: ListDef, ctx: Context, month: Month, chunk: int = 1000) -> Iterator[Row]:
    """The whole list, in order, read ``chunk`` rows at a time (for exports)."""
    ids = list(db.session.scalars(_in_order(listing, ctx, month, 0)))
    for start in range(0, len(ids), chunk):
        yield from _rows(listing, _load(listing.kind, ids[start:start + chunk]), ctx, month)
