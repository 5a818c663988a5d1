"""Helpers of the service-schedule tests."""
import pytest

from app.domain import dates, schedules
from app.extensions import db
from app.models import Appointment


def give_doses(kid, t, up_to_months):
    """The child's doses up to that age, given on their day (as recorded from the certificate)."""
    for d in schedules.Cadence.from_json(t.cadence).doses:
        if d.age_months <= up_to_months:
            on = dates.anniversary(kid.birth_date, d.age_months)
            db.session.add(Appointment(person_id=kid.id, service_type_id=t.id, slot=d.code, due_on=on, done_on=on,
                                       status="done", outcome="given_elsewhere"))
    db.session.commit()


@pytest.fixture
def vaccinated(services):
    """``vaccinated(kid, up_to_months)``: the child's childhood doses to that age, given."""
    return lambda kid, up_to_months: give_doses(kid, services["child_immunisation"], up_to_months)
