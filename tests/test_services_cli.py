"""``flask install-service-types``, ``plan-services`` and ``send-reminders``: safe to run again
(same rows, same messages), with clear errors; and the demo's services."""
import datetime as dt

from sqlalchemy import func, select

from app.domain import dates
from app.domain.clock import local_today
from app.extensions import db
from app.models import Appointment, Relation, ServiceType, SmsMessage
from app.services.admin import settings
from app.services.common.context import Actor

MONTH = f"{dates.first_of_month(local_today()):%Y-%m}"


def snapshot(model, *columns):
    db.session.expire_all()
    return sorted(db.session.execute(select(*[getattr(model, c) for c in columns])).all())


def test_install_service_types_twice(app, world):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["install-service-types"])
    assert first.exit_code == 0 and "residence_permit" in first.output
    second = runner.invoke(args=["install-service-types"])
    assert second.exit_code == 0 and "nothing to add" in second.output
    assert db.session.scalar(select(func.count(ServiceType.id))) == 5


def test_init_db_installs_the_service_types(app, ctx):
    assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    assert db.session.scalar(select(func.count(ServiceType.id))) == 5


def test_plan_services_twice_makes_the_same_rows(app, world, services):
    world.person("张三", seq=1, phone="13900001111")
    world.person("李四", grid=world.grid_b1, seq=3)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["plan-services", "--month", MONTH])
    assert first.exit_code == 0, first.output
    assert f"Planned {MONTH}" in first.output and "health_checkup" in first.output
    rows = snapshot(Appointment, "person_id", "service_type_id", "slot", "due_on", "status")
    assert rows
    second = runner.invoke(args=["plan-services", "--month", MONTH])
    assert second.exit_code == 0 and "0 created" in second.output
    assert snapshot(Appointment, "person_id", "service_type_id", "slot", "due_on", "status") == rows


def test_plan_services_for_one_area(app, world, services):
    here = world.person("张三", seq=1)
    world.person("李四", grid=world.grid_b1, seq=3)
    result = app.test_cli_runner().invoke(args=["plan-services", "--area-code", world.town_a.code])
    assert result.exit_code == 0, result.output
    assert {a.person_id for a in db.session.scalars(select(Appointment))} == {here.id}


def test_plan_services_errors(app, world):
    runner = app.test_cli_runner()
    assert "no active service types" in runner.invoke(args=["plan-services"]).output
    runner.invoke(args=["install-service-types"])
    assert "YYYY-MM" in runner.invoke(args=["plan-services", "--month", "12/2026"]).output
    past = runner.invoke(args=["plan-services", "--month", "2020-01"])
    assert past.exit_code != 0 and "不能为已经过去的月份排期" in past.output
    assert "unknown area code" in runner.invoke(args=["plan-services", "--area-code", "nowhere"]).output


def test_send_reminders_twice_sends_once(app, world, services):
    settings.update(Actor.cli(), {"sms.quiet_start": "0", "sms.quiet_end": "0"})
    p = world.person("张三", seq=1, phone="13900001111")
    runner = app.test_cli_runner()
    runner.invoke(args=["plan-services", "--month", MONTH])
    a = db.session.scalars(select(Appointment).where(Appointment.person_id == p.id)).first()
    a.due_on = local_today() + dt.timedelta(days=1)
    db.session.commit()
    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0, first.output
    messages = snapshot(SmsMessage, "id", "person_id", "service_type_id", "due_on", "state", "attempts", "body")
    assert messages and {m.state for m in messages} == {"sent"} and f"sent {len(messages)}," in first.output
    second = runner.invoke(args=["send-reminders"])
    assert second.exit_code == 0 and "Queued 0; sent 0" in second.output
    assert snapshot(SmsMessage, "id", "person_id", "service_type_id", "due_on", "state", "attempts", "body") == messages


def test_send_reminders_in_quiet_hours_and_with_a_broken_backend(app, world, services):
    settings.update(Actor.cli(), {"sms.quiet_start": "0", "sms.quiet_end": "23"})
    runner = app.test_cli_runner()
    hour = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).hour
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0
    assert ("Quiet hours" in result.output) == (hour < 23)
    app.config["SMS_BACKEND"] = "carrier-pigeon"
    try:
        settings.update(Actor.cli(), {"sms.quiet_start": "0", "sms.quiet_end": "0"})
        broken = runner.invoke(args=["send-reminders"])
    finally:
        app.config["SMS_BACKEND"] = "console"
    assert broken.exit_code != 0 and "SMS_BACKEND" in broken.output


def test_the_demo_has_services_to_show(app, ctx):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--persons", "400", "--seed", "3"])
    assert result.exit_code == 0, result.output
    statuses = dict(db.session.execute(select(Appointment.status, func.count()).group_by(Appointment.status)).all())
    assert statuses.get("done", 0) > 0 and statuses.get("planned", 0) > 0
    overdue = db.session.scalar(select(func.count()).where(Appointment.status == "planned",
                                                           Appointment.due_on < local_today()))
    assert overdue > 0
    assert db.session.scalar(select(func.count(Relation.id))) > 0  # children linked to mothers


def test_the_demos_children_are_vaccinated_a_visit_at_a_time(app, ctx):
    """Regression: a demo child had 19 doses on one day, another 14 visits on 14 December days."""
    from app.domain import schedules
    from app.models import ServiceType
    result = app.test_cli_runner().invoke(args=["seed-demo", "--persons", "400", "--seed", "3"])
    assert result.exit_code == 0, result.output
    t = db.session.scalars(select(ServiceType).where(ServiceType.code == "child_immunisation")).one()
    doses = {d.code: d for d in schedules.Cadence.from_json(t.cadence).doses}
    visits: dict = {}
    for person_id, slot, on in db.session.execute(select(Appointment.person_id, Appointment.slot, Appointment.due_on)
                                                  .where(Appointment.service_type_id == t.id,
                                                         Appointment.status.in_(("planned", "done")))):
        visits.setdefault(person_id, {}).setdefault(on, []).append(doses[slot])
    assert visits
    for person_id, days in visits.items():
        for day, given in days.items():
            assert len({d.vaccine for d in given}) == len(given), (person_id, day, given)
            assert sum(not d.oral for d in given) <= 3, (person_id, day, given)
        month = sorted(d for d in days if d.month == local_today().month and d.year == local_today().year)
        assert len(month) <= 2, (person_id, month)
