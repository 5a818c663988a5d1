"""Hostile input on the service pages: a clear message, never a 500."""

import pytest
from sqlalchemy import select

from app.domain import dates
from app.domain.clock import local_today
from app.extensions import db
from app.models import Appointment
from app.services.common.context import Actor
from app.services.health import planning

NASTY = ["", "'; DROP TABLE appointment; --", "<script>alert(1)</script>", "x" * 5000, "２０２６－０１－０１",
         "9999999999999999999999", "-1", "🙂", "%", "_", "¹²", "2026-02-30", "0,1,,２,99999999999"]


@pytest.mark.parametrize("value", NASTY)
def test_service_forms_survive_nasty_values(login, world, services, value):
    p = world.person("张三", seq=1)
    planning.plan_month(Actor.cli(), dates.first_of_month(local_today()), today=local_today())
    a = db.session.scalars(select(Appointment)).first()
    fields = ["month", "version", "done_on", "outcome", "place", "note", "document_number", "new_date", "with_ids",
              "number", "on", "ids", "size", "type_id", "choice", "opt_out", "next", "q", "state", "code", "name",
              "category", "kind", "times", "months", "doses", "age_min", "age_max", "marital", "sex",
              "household_role", "child_age_max", "sms_days_before", "sort_order", "apply_after_months",
              "renew_every_months", "deadline_rule"]
    admin = login("admin")
    for url in ("/station/services/plan", f"/station/appointments/{a.id}/result", f"/station/appointments/{a.id}/no-show",
                f"/station/appointments/{a.id}/reschedule", "/station/notices/stub", "/station/notices/issue",
                f"/station/people/{p.id}/choice", f"/station/people/{p.id}/sms", "/station/people",
                "/admin/service-types/new", f"/admin/service-types/{services['health_checkup'].id}"):
        r = admin.post(url, data={f: value for f in fields})
        assert r.status_code < 500, (url, r.status_code)
    for url in ("/station/appointments?view={v}&on={v}&grid={v}&type={v}&page={v}", "/station/appointments/print?on={v}",
                "/station/notices?state={v}&page={v}", "/station/notices/print?ids={v}&size={v}&next={v}",
                "/station/outbox?state={v}&page={v}", "/station/people?page={v}"):
        assert admin.get(url.format(v=value)).status_code < 500, url
