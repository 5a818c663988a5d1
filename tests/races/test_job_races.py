"""Two runs of the scheduled commands at one moment (issue 18), each in its own thread with
its own database connection, as two cron jobs or a cron job and the outbox page's button:
``send-reminders`` sends no text twice, ``plan-services`` makes no appointment twice."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Appointment, SmsMessage
from app.services.common.context import Actor
from app.services.health import planning, reminders
from app.services.health.sms import Outcome
from tests.services.health.test_reminders import D, at
from tests.services.jobs.test_queue import _in_threads

CLI = Actor.cli()
PEOPLE = 40


class Recording:
    name = "recording"

    def __init__(self):
        self.sent, self.lock = [], threading.Lock()

    def send(self, message):
        with self.lock:
            self.sent.append(message.id)
        return Outcome(ok=True, ref=f"r{message.id}")


@pytest.fixture
def crowd(world, services):
    for seq in range(PEOPLE):
        world.person(f"陈{seq}", seq=10 + seq, phone=f"139{seq:08d}", arrived_on=D(2026, 11, 1))


@pytest.mark.parametrize("round_", range(2))
def test_two_reminder_runs_at_once_send_each_text_once(app, crowd, round_):
    planning.plan_month(CLI, D(2026, 12, 1), today=D(2026, 11, 30))
    due = db.session.scalar(select(func.min(Appointment.due_on)))
    backend = Recording()
    morning = at(due - dt.timedelta(days=1), 10)
    _in_threads(app, 2, lambda i: reminders.run(CLI, now=morning, backend=backend))
    db.session.expire_all()
    outbox = db.session.scalars(select(SmsMessage)).all()
    assert outbox and len(backend.sent) == len(set(backend.sent)) == sum(m.state == "sent" for m in outbox)
    assert all(m.attempts == 1 for m in outbox if m.state == "sent")
    assert len({(m.person_id, m.service_type_id, m.due_on) for m in outbox}) == len(outbox)


@pytest.mark.parametrize("round_", range(2))
def test_two_planning_runs_at_once_make_each_appointment_once(app, crowd, round_):
    results = _in_threads(app, 2, lambda i: planning.plan_month(CLI, D(2026, 12, 1), today=D(2026, 11, 30)))
    db.session.expire_all()
    keys = db.session.execute(select(Appointment.person_id, Appointment.service_type_id, Appointment.slot)).all()
    assert keys and len(keys) == len(set(keys))
    assert sum(r.total_created for r in results) == len(keys)  # each counted by the run that made it
    again = planning.plan_month(CLI, D(2026, 12, 1), today=D(2026, 11, 30))
    assert again.total_created == 0
