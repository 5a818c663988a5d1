"""Reminders: queued once, sent once, quiet hours, opt-out, retries, a child's reminder to a
parent, and the HTTP backend against a local server."""
import datetime as dt
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from app.domain.clock import LOCAL
from app.extensions import db
from app.models import Appointment, Relation, ServiceType, SmsMessage, SmsOptOut
from app.services.common.context import Actor
from app.services.health import planning, reminders
from app.services.health.sms import Outcome, backend_from_config
from app.services.health.sms.http import HttpBackend

D = dt.date
CLI = Actor.cli()


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A local time as the naive UTC the app works in."""
    local = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def messages():
    db.session.expire_all()
    return list(db.session.scalars(select(SmsMessage).order_by(SmsMessage.id)))


class Flaky:
    """A backend that fails the first ``failures`` times (``permanent`` failures if asked)."""

    name = "flaky"

    def __init__(self, failures=99, permanent=False):
        self.failures, self.permanent, self.calls = failures, permanent, []

    def send(self, message):
        self.calls.append(message)
        if len(self.calls) <= self.failures:
            return Outcome(ok=False, error="provider busy", permanent=self.permanent)
        return Outcome(ok=True, ref="ok-1")


@pytest.fixture
def due_soon(world, services):
    """One adult with a phone whose check-up is planned in December; returns (person, appointment)."""
    p = world.person("陈红", seq=2, phone="13912345678", arrived_on=D(2026, 11, 1))  # no permit due yet
    planning.plan_month(CLI, D(2026, 12, 1), today=D(2026, 11, 30))
    a = db.session.scalars(select(Appointment).join(Appointment.service_type).where(
        Appointment.person_id == p.id, ServiceType.code == "health_checkup")).one()
    return p, a


def test_run_twice_sends_once(due_soon, caplog):
    p, a = due_soon
    morning = at(a.due_on - dt.timedelta(days=2), 10)
    with caplog.at_level(logging.INFO, logger="anju.sms"):
        first = reminders.run(CLI, now=morning)
        second = reminders.run(CLI, now=morning + dt.timedelta(hours=1))
    assert (first.enqueued, first.sending.sent) == (1, 1)
    assert (second.enqueued, second.sending.sent) == (0, 0)
    [m] = messages()
    assert (m.state, m.attempts, m.phone, m.recipient_id) == ("sent", 1, "13912345678", p.id)
    assert f"{a.due_on.month}月{a.due_on.day}日" in m.body and "免费健康体检" in m.body
    assert p.id_number not in m.body and "13912345678" not in m.body
    log = [r.getMessage() for r in caplog.records if r.name == "anju.sms"]
    assert len(log) == 1 and "139****5678" in log[0] and "13912345678" not in log[0]


def test_nothing_is_queued_before_the_days_before(due_soon):
    _, a = due_soon
    assert reminders.run(CLI, now=at(a.due_on - dt.timedelta(days=4), 10)).enqueued == 0
    assert reminders.run(CLI, now=at(a.due_on - dt.timedelta(days=3), 10)).enqueued == 1


def test_quiet_hours_hold_the_queue(due_soon):
    _, a = due_soon
    night = at(a.due_on - dt.timedelta(days=1), 22, 30)
    result = reminders.run(CLI, now=night)
    assert result.enqueued == 1 and result.sending.quiet and messages()[0].state == "queued"
    later = reminders.run(CLI, now=at(a.due_on, 8, 5))
    assert later.sending.sent == 1 and messages()[0].state == "sent"


def test_opted_out_people_get_no_message(due_soon):
    p, a = due_soon
    db.session.add(SmsOptOut(person_id=p.id))
    db.session.commit()
    assert reminders.run(CLI, now=at(a.due_on, 9)).enqueued == 0


def test_opting_out_after_queueing_skips_the_message(due_soon):
    p, a = due_soon
    night = at(a.due_on - dt.timedelta(days=1), 23)
    reminders.run(CLI, now=night)
    db.session.add(SmsOptOut(person_id=p.id))
    db.session.commit()
    result = reminders.run(CLI, now=at(a.due_on, 9))
    assert result.sending.skipped == 1 and messages()[0].state == "skipped"


def test_a_new_date_is_a_new_reminder_and_the_old_one_is_not_sent(due_soon):
    _, a = due_soon
    reminders.run(CLI, now=at(a.due_on - dt.timedelta(days=1), 23))  # queued in quiet hours
    new_date = a.due_on + dt.timedelta(days=1)
    a.due_on = new_date
    db.session.commit()
    result = reminders.run(CLI, now=at(new_date - dt.timedelta(days=1), 9))
    old, new = messages()
    assert (old.state, new.state) == ("skipped", "sent") and result.enqueued == 1
    assert f"{new_date.day}日" in new.body


def test_failures_back_off_then_give_up(due_soon):
    _, a = due_soon
    start = at(a.due_on - dt.timedelta(days=3), 9)
    flaky = Flaky()
    reminders.run(CLI, now=start, backend=flaky)
    [m] = messages()
    assert (m.state, m.attempts, m.next_attempt_at) == ("retry", 1, start + dt.timedelta(minutes=10))
    reminders.run(CLI, now=start + dt.timedelta(minutes=5), backend=flaky)
    assert len(flaky.calls) == 1  # not yet
    t = start
    for wait in (10, 20, 40, 80):
        t += dt.timedelta(minutes=wait, seconds=1)
        reminders.run(CLI, now=t, backend=flaky)
    [m] = messages()
    assert (m.state, m.attempts, len(flaky.calls)) == ("failed", 5, 5)
    reminders.run(CLI, now=t + dt.timedelta(days=1), backend=flaky)
    assert len(flaky.calls) == 5  # given up: never again on its own


def test_a_refusal_is_not_retried(due_soon):
    _, a = due_soon
    reminders.run(CLI, now=at(a.due_on, 9), backend=Flaky(permanent=True))
    assert (messages()[0].state, messages()[0].attempts) == ("failed", 1)


def test_a_message_claimed_by_a_run_that_died_is_not_sent_again(due_soon):
    _, a = due_soon
    reminders.run(CLI, now=at(a.due_on - dt.timedelta(days=1), 23))
    [m] = messages()
    m.state, m.claim = "sending", "deadbeef"  # the provider got it, the process died before recording
    db.session.commit()
    flaky = Flaky(failures=0)
    reminders.run(CLI, now=at(a.due_on, 9), backend=flaky)
    assert flaky.calls == [] and messages()[0].state == "sending"


def test_a_childs_reminder_goes_to_a_parent(world, services, vaccinated):
    mum = world.person("刘芳", seq=2, phone="13700001111")
    kid = world.person("刘小天", seq=3, born=D(2026, 10, 31), arrived_on=D(2026, 11, 1))
    db.session.add(Relation(person_id=mum.id, relative_id=kid.id, relation="child"))
    db.session.commit()
    vaccinated(kid, 0)  # the birth doses, from the certificate
    planning.plan_month(CLI, D(2026, 12, 1), today=D(2026, 11, 30))
    reminders.run(CLI, now=at(D(2026, 11, 30), 9))  # HepB-2 due on 1 December
    [m] = [m for m in messages() if m.person_id == kid.id and m.due_on == D(2026, 12, 1)]
    assert (m.recipient_id, m.phone) == (mum.id, "13700001111")
    assert "【安居】刘*天的儿童免疫规划疫苗接种（" in m.body and "乙肝疫苗 第2剂" in m.body


def test_a_visit_with_several_doses_is_one_message(world, services, vaccinated):
    mum = world.person("马丽", seq=2, phone="13700002222")
    kid = world.person("马小丁", seq=3, born=D(2026, 10, 1), arrived_on=D(2026, 10, 2))
    db.session.add(Relation(person_id=mum.id, relative_id=kid.id, relation="child"))
    db.session.commit()
    vaccinated(kid, 1)
    planning.plan_month(CLI, D(2026, 12, 1), today=D(2026, 11, 30))  # IPV-1 and DTaP-1 on 1 December
    reminders.run(CLI, now=at(D(2026, 11, 30), 9))
    [m] = [m for m in messages() if m.person_id == kid.id and m.due_on == D(2026, 12, 1)]
    assert "脊灰灭活疫苗 第1剂" in m.body and "百白破疫苗 第1剂" in m.body


def test_people_without_a_phone_get_none(world, services):
    world.person("无手机", seq=2)
    planning.plan_month(CLI, D(2026, 12, 1), today=D(2026, 11, 30))
    assert reminders.run(CLI, now=at(D(2026, 12, 31), 9)).enqueued == 0


class _Provider(BaseHTTPRequestHandler):
    answers: list = []
    seen: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen.append((self.headers.get("Authorization"), json.loads(body)))
        status, payload = type(self).answers.pop(0)
        self.send_response(status)
        self.end_headers()
        self.wfile.write(json.dumps(payload).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def provider():
    server = HTTPServer(("127.0.0.1", 0), _Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Provider.answers, _Provider.seen = [], []
    yield f"http://127.0.0.1:{server.server_port}/send"
    server.shutdown()
    server.server_close()


def test_http_backend_posts_the_template_with_the_auth_header(provider):
    backend = backend_from_config({"SMS_BACKEND": "http", "SMS_HTTP_URL": provider,
                                   "SMS_HTTP_TEMPLATE": '{"to": "{phone}", "content": "{text}", "ref": "{id}"}',
                                   "SMS_HTTP_AUTH_HEADER": "Authorization: Bearer s3cret"})
    from app.services.health.sms import Outgoing
    _Provider.answers = [(200, {"messageId": "m-1"}), (503, {}), (400, {"error": "bad number"})]
    ok = backend.send(Outgoing(7, "13912345678", '【安居】"引号"与\\换行\n'))
    assert (ok.ok, ok.ref) == (True, "m-1")
    auth, body = _Provider.seen[0]
    assert auth == "Bearer s3cret" and body == {"to": "13912345678", "content": '【安居】"引号"与\\换行\n', "ref": "7"}
    busy = backend.send(Outgoing(8, "13912345678", "x"))
    assert not busy.ok and not busy.permanent and busy.error == "HTTP 503"
    refused = backend.send(Outgoing(9, "13912345678", "x"))
    assert not refused.ok and refused.permanent


def test_http_backend_unreachable_is_retried_and_needs_a_url():
    from app.services.health.sms import Outgoing
    down = HttpBackend(url="http://127.0.0.1:9/none", timeout=1).send(Outgoing(1, "13912345678", "x"))
    assert not down.ok and not down.permanent
    with pytest.raises(ValueError):
        backend_from_config({"SMS_BACKEND": "http"})
