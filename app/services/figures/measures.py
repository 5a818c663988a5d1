"""What the figures count, per grid and month: each measure defined once, as a condition
on the rows of a source table.

``compute`` counts any set of measures over any set of months with one grouped statement
per source (``SUM(CASE WHEN <condition> THEN 1 ELSE 0 END)`` per measure and month), on
SQLite and PostgreSQL alike. The same conditions select the rows of the drill-down lists
(``services.figures.lists``), so a list always holds what its figure counted.

Adding a measure: one ``Measure`` (and a ``Source`` if its rows come from a new table).
Service types are data, so their measures (due, done, overdue per type) are made for
each type by ``service_measures``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import Select, and_, case, exists, func, literal_column, or_, select, text, true
from sqlalchemy.orm import aliased

from ...domain.clock import local_today, utcnow
from ...domain.months import Month
from ...extensions import db
from ...models import Appointment, Area, AreaLevel, Card, Dwelling, Person, SweepVisit, Tenancy
from ..admin import settings
from ..common.bulk import any_of
from ..common.sql_rules import within_hours


@dataclass
class Context:
    """When the figures are counted, and over which grids (None: every grid)."""

    today: dt.date
    now: dt.datetime
    grid_ids: list[int] | None = None
    memo: dict = field(default_factory=dict)  # what was worked out for these grids
    shared: dict = field(default_factory=dict)  # settings and deployment-wide facts, for every scope
    # A page is waiting: a big area's out-of-date figures are recounted by a background job
    # (``recount``) instead. False: nobody waits, recounts happen at once (commands, jobs).
    recount_later: bool = False

    @classmethod
    def at(cls, today: dt.date | None = None, now: dt.datetime | None = None) -> "Context":
        return cls(today=today or local_today(), now=now or utcnow())

    @property
    def current(self) -> Month:
        return Month.of(self.today)

    def scoped(self, grid_ids: list[int] | None) -> "Context":
        return Context(self.today, self.now, None if grid_ids is None else list(grid_ids), shared=self.shared,
                       recount_later=self.recount_later)

    def setting(self, key: str):
        return self.remember(f"setting:{key}", lambda: settings.get(key), everywhere=True)

    def remember(self, key: str, make: Callable[[], object], *, everywhere: bool = False):
        """``make()`` once: for these grids, or (``everywhere``) for the whole deployment."""
        memo = self.shared if everywhere else self.memo
        if key not in memo:
            memo[key] = make()
        return memo[key]


@dataclass(frozen=True, eq=False)
class Source:
    """Rows to count: a SELECT whose columns include ``id`` (the row's key) and
    ``grid_id``; ``grid`` is the column that places a row in a grid (to filter on).

    ``materialize``: computed columns (an ID number's fault) are worked out once per row
    in a MATERIALIZED common table expression on PostgreSQL, not once per measure.
    ``bound``: the rows that can count for ``months`` at all (appointments due in them),
    so that counting one month does not read the appointments of every other."""

    key: str
    rows: Callable[[Context], Select]
    grid: Callable[[], object]
    materialize: bool = False
    bound: Callable[[list[Month]], object] | None = None

    def table(self, ctx: Context, months: list[Month] | None = None):
        stmt = self.rows(ctx)
        if ctx.grid_ids is not None:
            stmt = stmt.where(any_of(self.grid(), ctx.grid_ids))
        if self.bound is not None and months:
            stmt = stmt.where(self.bound(sorted(months)))
        if self.materialize:
            return stmt.cte(f"{self.key}_rows").prefix_with("MATERIALIZED", dialect="postgresql")
        return stmt.subquery(f"{self.key}_rows")


Condition = Callable[[object, Month, Context], object]


@dataclass(frozen=True, eq=False)
class Measure:
    """A figure per grid and month: how many rows of ``source`` meet ``condition`` (or,
    with ``value``, the sum of that column, NULL where unknown).

    ``current_only``: a state of the records now (a data-quality count), kept under the
    current month only. ``settings``: the settings the condition reads; changing one
    makes the stored figures out of date."""

    key: str
    source: Source
    condition: Condition
    value: Callable[[object], object] | None = None
    current_only: bool = False
    settings: tuple[str, ...] = ()

    @property
    def empty(self):
        """A grid without rows: 0 counted, or unknown for a summed value."""
        return None if self.value else 0


def _one():
    return literal_column("1")


def compute(pairs: dict[Measure, list[Month]], ctx: Context) -> dict[tuple[Month, str], dict[int, int | None]]:
    """``{(month, measure key): {grid id: value}}`` for the grids of ``ctx`` that have rows."""
    by_source: dict[Source, list[tuple[Measure, Month]]] = {}
    for measure, months in pairs.items():
        for month in months:
            by_source.setdefault(measure.source, []).append((measure, month))
    out: dict[tuple[Month, str], dict[int, int | None]] = {}
    if db.session.get_bind().dialect.name == "postgresql":
        # These statements are long (a CASE per measure and month) and each runs once:
        # compiling them to machine code took PostgreSQL 0.5–0.9 s apiece, several
        # times what running them takes. For this transaction only.
        db.session.execute(text("SET LOCAL jit = off"))
    for source, slots in by_source.items():
        t = source.table(ctx, [month for _, month in slots])
        columns = []
        for measure, month in slots:
            condition = measure.condition(t.c, month, ctx)
            if measure.value is None:
                columns.append(func.sum(case((condition, _one()), else_=literal_column("0"))))
            else:
                columns.append(func.sum(case((condition, measure.value(t.c)), else_=None)))
        for row in db.session.execute(select(t.c.grid_id, *columns).group_by(t.c.grid_id)):
            for (measure, month), value in zip(slots, row[1:]):
                out.setdefault((month, measure.key), {})[row[0]] = None if value is None else int(value)
    return out


# -- Sources -------------------------------------------------------------------------------------

PEOPLE = Source("people", lambda ctx: select(
    Person.id, Person.grid_id, Person.entered_at, Person.left_on, Person.collected_at, Person.arrived_on),
    lambda: Person.grid_id)

CARDS = Source("cards", lambda ctx: select(
    Card.id, Person.grid_id, Person.entered_at, Person.left_on, Card.person_id, Card.printed_at, Card.revoked_at)
    .join(Person, Person.id == Card.person_id), lambda: Person.grid_id)

TENANCIES = Source("tenancies", lambda ctx: select(
    Tenancy.id, Dwelling.grid_id, Tenancy.person_id, Tenancy.start_on, Tenancy.end_on,
    Tenancy.confirmed_by_landlord_at.label("confirmed_at"))
    .join(Dwelling, Dwelling.id == Tenancy.dwelling_id), lambda: Dwelling.grid_id)

DWELLINGS = Source("dwellings", lambda ctx: select(Dwelling.id, Dwelling.grid_id, Dwelling.created_at),
                   lambda: Dwelling.grid_id)

SWEEP_VISITS = Source("sweep_visits", lambda ctx: select(SweepVisit.id, SweepVisit.grid_id, SweepVisit.month),
                      lambda: SweepVisit.grid_id)

A = Appointment

# Appointments counted for coverage: those due in the months counted, not cancelled (a
# departure or a change of eligibility cancels them: they were never owed).
APPOINTMENTS = Source("appointments", lambda ctx: select(
    A.id, Person.grid_id, A.person_id, A.service_type_id, A.due_on, A.status)
    .join(Person, Person.id == A.person_id).where(A.status != "cancelled"),
    lambda: Person.grid_id, bound=lambda months: and_(A.due_on >= months[0].first, A.due_on < months[-1].next))

def _first_of_visit():
    """1 for the first open appointment of a visit (a person's appointments of one type on one
    day: a child's doses), so that open work is counted in visits (人次), as the work list is."""
    other = aliased(A)
    return case((exists().where(other.person_id == A.person_id, other.service_type_id == A.service_type_id,
                                other.due_on == A.due_on, other.status == "planned", other.id < A.id), 0),
                else_=1).label("first_of_visit")


# Appointments still open (planned): what is overdue now, in visits.
OPEN_APPOINTMENTS = Source("open_appointments", lambda ctx: select(
    A.id, Person.grid_id, A.person_id, A.service_type_id, A.due_on, _first_of_visit())
    .join(Person, Person.id == A.person_id).where(A.status == "planned"), lambda: Person.grid_id)

GRIDS = Source("grids", lambda ctx: select(Area.id, Area.id.label("grid_id"), Area.estimated_population)
               .where(Area.level == AreaLevel.GRID.value), lambda: Area.id)


# -- Conditions (shared by the measures and the drill-down lists) --------------------------------

def on_record(c, month: Month):
    """Registered by the end of the month and not gone by then (for the current month: now)."""
    return and_(c.entered_at < month.end_utc, or_(c.left_on.is_(None), c.left_on >= month.next))


def within(column, month: Month, *, timestamp: bool = False):
    if timestamp:
        return and_(column.is_not(None), column >= month.start_utc, column < month.end_utc)
    return and_(column.is_not(None), column >= month.first, column < month.next)


def entered(c, month: Month):
    """Entered during the month, with the time of collection known (the 24-hour rule's base)."""
    return and_(within(c.entered_at, month, timestamp=True), c.collected_at.is_not(None))


def entered_on_time(c, month: Month, ctx: Context):
    return and_(entered(c, month), within_hours(c.collected_at, c.entered_at, ctx.setting("person.entry_hours")))


# Conditions are TRUE or FALSE, never NULL (a missing timestamp is tested first), so that
# a list of "the others" can negate them: NOT (NULL) would leave those rows out too.

def card_valid(c, month: Month):
    """A printed card, not revoked by the end of the month."""
    return and_(c.printed_at.is_not(None), c.printed_at < month.end_utc,
                or_(c.revoked_at.is_(None), c.revoked_at >= month.end_utc))


def tenancy_active(c, month: Month):
    return and_(c.start_on < month.next, or_(c.end_on.is_(None), c.end_on >= month.next))


def dwelling_listed(c, month: Month):
    """Registered by the end of the month (dwellings are not removed, only emptied)."""
    return c.created_at < month.end_utc


def swept(c, month: Month):
    """A sweep visit of the month (one row per dwelling and month)."""
    return c.month == month.first


def service_due(type_id: int):
    def condition(c, month: Month, ctx: Context):
        return and_(c.service_type_id == type_id, c.due_on >= month.first, c.due_on < month.next)
    return condition


def service_done(type_id: int):
    def condition(c, month: Month, ctx: Context):
        return and_(service_due(type_id)(c, month, ctx), c.status == "done")
    return condition


def service_overdue(type_id: int):
    """Planned for a day before today, not done: the work list's "overdue", in visits (人次)."""
    def condition(c, month: Month, ctx: Context):
        return and_(c.service_type_id == type_id, c.due_on < ctx.today, c.first_of_visit == 1)
    return condition


def tenancy_confirmed(c, month: Month):
    return and_(tenancy_active(c, month), c.confirmed_at.is_not(None), c.confirmed_at < month.end_utc)


# -- Measures ------------------------------------------------------------------------------------

ON_RECORD = Measure("people.on_record", PEOPLE, lambda c, m, ctx: on_record(c, m))
ARRIVED = Measure("people.arrived", PEOPLE, lambda c, m, ctx: within(c.arrived_on, m))
LEFT = Measure("people.left", PEOPLE, lambda c, m, ctx: within(c.left_on, m))
REGISTERED = Measure("people.registered", PEOPLE, lambda c, m, ctx: within(c.entered_at, m, timestamp=True))
ENTERED = Measure("people.entered", PEOPLE, lambda c, m, ctx: entered(c, m))
ENTERED_ON_TIME = Measure("people.entered_on_time", PEOPLE, entered_on_time, settings=("person.entry_hours",))
CARDS_HELD = Measure("cards.held", CARDS, lambda c, m, ctx: and_(on_record(c, m), card_valid(c, m)))
TENANCIES_ACTIVE = Measure("tenancies.active", TENANCIES, lambda c, m, ctx: tenancy_active(c, m))
TENANCIES_CONFIRMED = Measure("tenancies.confirmed", TENANCIES, lambda c, m, ctx: tenancy_confirmed(c, m))
DWELLINGS_LISTED = Measure("dwellings.listed", DWELLINGS, lambda c, m, ctx: dwelling_listed(c, m))
DWELLINGS_SWEPT = Measure("dwellings.swept", SWEEP_VISITS, lambda c, m, ctx: swept(c, m))
ESTIMATE = Measure("grids.estimate", GRIDS, lambda c, m, ctx: true(), value=lambda c: c.estimated_population)


@dataclass(frozen=True)
class ServiceMeasures:
    """The figures of one service type: due and done in a month (its coverage), and how
    many are overdue now (kept under the current month only)."""

    due: Measure
    done: Measure
    overdue: Measure


_SERVICE_MEASURES: dict[int, ServiceMeasures] = {}


def service_measures(type_id: int) -> ServiceMeasures:
    """The measures of service type ``type_id``, made once (the same objects each time)."""
    if type_id not in _SERVICE_MEASURES:
        _SERVICE_MEASURES[type_id] = ServiceMeasures(
            Measure(f"services.{type_id}.due", APPOINTMENTS, service_due(type_id)),
            Measure(f"services.{type_id}.done", APPOINTMENTS, service_done(type_id)),
            Measure(f"services.{type_id}.overdue", OPEN_APPOINTMENTS, service_overdue(type_id), current_only=True))
    return _SERVICE_MEASURES[type_id]
