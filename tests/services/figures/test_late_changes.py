"""A change to a closed month — a result recorded late, a date moved out of it — recounts that
month's figures at the next read or ``refresh-figures`` run, without ``--months``; and open
work is counted in one unit, visits (人次), on the landing page, the overview and the lists."""
import datetime as dt

from sqlalchemy import select

from app.domain.clock import local_today
from app.domain.months import Month
from app.extensions import db
from app.models import Appointment, GridFigure
from app.services.common.context import Actor
from app.services.figures import refresh as figure_refresh
from app.services.figures import store
from app.services.figures.measures import Context, service_measures
from app.services.health import appointments

TODAY = local_today()
CURRENT = Month.of(TODAY)
CLOSED = Month.from_date((TODAY.replace(day=1) - dt.timedelta(days=1)))


def _open_in_closed_month(world, services, day: int):
    """A check-up of last month still open: the type, the appointment, its day."""
    t = services["health_checkup"]
    due = CLOSED.first + dt.timedelta(days=day)
    a = Appointment(person_id=world.person("张三", seq=1).id, service_type_id=t.id, slot="late", due_on=due,
                    status="planned")
    db.session.add(a)
    db.session.commit()
    return t, a, due


def test_a_late_result_recounts_its_closed_month(world, services):
    t, a, due = _open_in_closed_month(world, services, 9)
    measures = service_measures(t.id)
    coverage = store.Coverage.of(None)

    def done_in_closed_month():
        return store.ensure([measures.due, measures.done], [CLOSED], coverage, Context.at()).sum(
            CLOSED, measures.done.key).value

    assert done_in_closed_month() == 0  # counted once after the month ended, then kept
    appointments.record_result(Actor.cli(), world.users["health"], a.id, a.version, done_on=due, outcome="normal")
    assert store.stale()  # marked, not recounted in the request that recorded it
    assert done_in_closed_month() == 1  # the next read counts it again
    assert not store.stale()


def test_refresh_figures_counts_a_marked_month_without_months(world, services, app):
    t, a, due = _open_in_closed_month(world, services, 3)
    assert app.test_cli_runner().invoke(args=["refresh-figures", "--months", "2"]).exit_code == 0
    appointments.record_result(Actor.cli(), world.users["health"], a.id, a.version, done_on=due, outcome="normal")
    result = app.test_cli_runner().invoke(args=["refresh-figures"])  # this month only, as cron runs it
    assert result.exit_code == 0, result.output
    row = db.session.scalars(select(GridFigure).where(
        GridFigure.measure == service_measures(t.id).done.key, GridFigure.month == CLOSED.first,
        GridFigure.grid_id == world.grid_a1.id)).one()
    assert row.value == 1 and row.computed_at != store.STALE


def test_open_work_is_counted_in_visits_everywhere(login, world, services):
    """Regression: the landing page said 逾期 31 项 (doses), the list 共 29 人次 (visits)."""
    t = services["child_immunisation"]
    kid = world.person("王小宝", seq=3, born=TODAY - dt.timedelta(days=400))
    past = TODAY - dt.timedelta(days=5)
    db.session.add_all([Appointment(person_id=kid.id, service_type_id=t.id, slot=code, due_on=past, status="planned")
                        for code in ("MMR-1", "JE-L-1")])  # one visit, two doses
    db.session.commit()
    health = login("health")
    assert "逾期 1 人次" in health.get("/station/").text
    overview = health.get("/station/services").text
    assert "按人次计" in overview
    assert "共 1 人次" in health.get("/station/appointments?view=overdue").text
    measures = service_measures(t.id)
    overdue = store.ensure([measures.overdue], [CURRENT], store.Coverage.of(None), Context.at(),
                           force_current=True).sum(CURRENT, measures.overdue.key).value
    assert overdue == 1
