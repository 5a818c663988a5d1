from __future__ import annotations

from ..domain import schedules
from ..domain.clock import utcnow
from ..extensions import db


class ServiceType(db.Model):
    """A free service: check-up, vaccination schedule or document. Its rules are data:
    ``eligibility`` and ``cadence`` are JSON checked by ``domain.schedules``."""

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(40), nullable=False, unique=True)
    name = db.Column(db.String(60), nullable=False)
    category = db.Column(db.String(12), nullable=False)  # checkup, vaccination, document
    eligibility = db.Column(db.JSON, nullable=False, default=dict)
    cadence = db.Column(db.JSON, nullable=False, default=dict)
    place = db.Column(db.String(200))  # where it is given; empty: the station
    instructions = db.Column(db.String(500))  # printed on notices: what to bring
    sms_enabled = db.Column(db.Boolean, nullable=False, default=True)
    sms_days_before = db.Column(db.Integer, nullable=False, default=3)
    deadline_rule = db.Column(db.String(12), nullable=False, default="due_date")  # or by_distance
    active = db.Column(db.Boolean, nullable=False, default=True)
    sort_order = db.Column(db.Integer, nullable=False, default=0)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    version = db.Column(db.Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class Appointment(db.Model):
    """One person's one occurrence of a service: planned for ``due_on``, then done,
    missed (its period ended) or cancelled. (person, type, slot) is unique, so planning
    twice never makes two; ``slot`` names the occurrence: ``2026-3x3`` (third third of
    2026), ``2026-12`` (a month), a dose code (``DTaP-2``), ``apply``, ``renew-2027-01-15``.

    Coverage is done / due per type; overdue is ``status = 'planned' AND due_on < today``.
    """

    id = db.Column(db.Integer, primary_key=True)
    # No foreign keys: planning writes a million rows a month, and PostgreSQL checks a
    # foreign key row by row, locking the row it points to — 60 % of the planning time
    # (docs/performance.md). Nothing they point to is ever deleted: people who leave keep
    # their record (status "left"), service types and users are switched off.
    person_id = db.Column(db.Integer, nullable=False)
    service_type_id = db.Column(db.Integer, nullable=False)
    slot = db.Column(db.String(40), nullable=False)
    due_on = db.Column(db.Date, nullable=False)
    window_end = db.Column(db.Date)  # last day of the period it belongs to (N times a year)
    status = db.Column(db.String(10), nullable=False, default="planned")
    catch_up = db.Column(db.Boolean, nullable=False, default=False)  # due before arrival or planning
    done_on = db.Column(db.Date)
    place = db.Column(db.String(200))  # where it was given (or is to be, if not the type's)
    outcome = db.Column(db.String(20))  # health data: health workers and supervisors only
    note = db.Column(db.String(500))  # likewise
    no_shows = db.Column(db.Integer, nullable=False, default=0)
    last_no_show_on = db.Column(db.Date)
    cancel_reason = db.Column(db.String(20))
    notice_id = db.Column(db.Integer)
    planned_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime)
    recorded_by_id = db.Column(db.Integer)
    version = db.Column(db.Integer, nullable=False, default=1)

    person = db.relationship("Person", primaryjoin="foreign(Appointment.person_id) == Person.id")
    service_type = db.relationship("ServiceType", primaryjoin="foreign(Appointment.service_type_id) == ServiceType.id")
    notice = db.relationship("Notice", back_populates="appointments",
                             primaryjoin="foreign(Appointment.notice_id) == Notice.id")
    recorded_by = db.relationship("User", primaryjoin="foreign(Appointment.recorded_by_id) == User.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        db.UniqueConstraint("person_id", "service_type_id", "slot", name="uq_appointment_slot"),
        # Work lists, reminders and coverage: by type and status, then date. Few indexes, as
        # planning a month writes a million rows; the partial ones hold only the rows they serve.
        db.Index("ix_appointment_type_status_due", "service_type_id", "status", "due_on"),
        db.Index("ix_appointment_type_done", "service_type_id", "done_on",
                 postgresql_where=db.text("done_on IS NOT NULL"), sqlite_where=db.text("done_on IS NOT NULL")),
        db.Index("ix_appointment_notice", "notice_id",
                 postgresql_where=db.text("notice_id IS NOT NULL"), sqlite_where=db.text("notice_id IS NOT NULL")),
    )

    @property
    def open(self) -> bool:
        return self.status == "planned"

    @property
    def slot_label(self) -> str:
        """The dose, or applying / renewing for a document; empty for a check-up."""
        return schedules.slot_label(schedules.Cadence.from_json(self.service_type.cadence), self.slot)


class Notice(db.Model):
    """A printed notice with a tear-off stub (回执): an appointment notice, or a document
    reminder (催办通知书) whose ``deadline_on`` depends on the household place's distance."""

    id = db.Column(db.Integer, primary_key=True)
    person_id = db.Column(db.Integer, db.ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = db.Column(db.String(12), nullable=False)  # appointment, document
    issued_on = db.Column(db.Date, nullable=False)
    deadline_on = db.Column(db.Date)
    distance = db.Column(db.String(16))  # same_city, same_province, other_province
    stub_returned_on = db.Column(db.Date)
    issued_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    person = db.relationship("Person")
    appointments = db.relationship("Appointment", back_populates="notice", order_by="Appointment.id",
                                   primaryjoin="Notice.id == foreign(Appointment.notice_id)")
    __table_args__ = (db.Index("ix_notice_issued", "issued_on", "stub_returned_on"),)


class Document(db.Model):
    """A document a person holds (a residence permit): number, issued, last endorsed."""

    id = db.Column(db.Integer, primary_key=True)
    person_id = db.Column(db.Integer, db.ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    service_type_id = db.Column(db.Integer, db.ForeignKey("service_type.id", ondelete="CASCADE"), nullable=False)
    number = db.Column(db.String(40))
    issued_on = db.Column(db.Date, nullable=False)
    endorsed_on = db.Column(db.Date)
    expires_on = db.Column(db.Date)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    version = db.Column(db.Integer, nullable=False, default=1)

    service_type = db.relationship("ServiceType")
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (db.UniqueConstraint("person_id", "service_type_id", name="uq_document_person_type"),)


class ServiceChoice(db.Model):
    """A person asked for a service (``in``, needed for opt-in types) or declined it (``out``)."""

    person_id = db.Column(db.Integer, db.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    service_type_id = db.Column(db.Integer, db.ForeignKey("service_type.id", ondelete="CASCADE"), primary_key=True)
    choice = db.Column(db.String(3), nullable=False)
    chosen_on = db.Column(db.Date, nullable=False)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    __table_args__ = (db.Index("ix_service_choice_type", "service_type_id", "choice"),)


class SmsOptOut(db.Model):
    """The person asked for no text messages (reminders come on paper instead)."""

    person_id = db.Column(db.Integer, db.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    since = db.Column(db.DateTime, nullable=False, default=utcnow)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))


class SmsMessage(db.Model):
    """The outbox: one row per reminder. (person, type, day) is unique — a child's doses
    of one visit are one message — so a reminder is queued once, however often the
    queueing runs, and a new date is a new reminder.

    queued → sending → sent; a failure goes to ``retry`` (``next_attempt_at``, backing
    off) and after the last attempt to ``failed``; ``skipped`` when the person opted out
    or the appointment changed before sending. A row left in ``sending`` (a crash while
    the provider had it) is not sent again: staff see it on the outbox page. The queue
    goes out soonest appointment first.
    """

    __tablename__ = "sms_outbox"
    id = db.Column(db.Integer, primary_key=True)
    # No foreign keys, as for appointments: a day's reminders are many rows, and what
    # they point to (people, types, appointments) is never deleted.
    person_id = db.Column(db.Integer, nullable=False)  # whom the appointment is for
    service_type_id = db.Column(db.Integer, nullable=False)
    due_on = db.Column(db.Date, nullable=False)
    appointment_id = db.Column(db.Integer)  # the first of the visit's appointments
    recipient_id = db.Column(db.Integer, nullable=False)  # who gets it: the person, or a child's parent
    phone = db.Column(db.String(20), nullable=False)
    body = db.Column(db.String(500))  # set when sent
    state = db.Column(db.String(10), nullable=False, default="queued")
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    claim = db.Column(db.String(32))
    last_error = db.Column(db.String(200))
    provider_ref = db.Column(db.String(64))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    sent_at = db.Column(db.DateTime)

    service_type = db.relationship("ServiceType", primaryjoin="foreign(SmsMessage.service_type_id) == ServiceType.id")
    person = db.relationship("Person", primaryjoin="foreign(SmsMessage.person_id) == Person.id")
    __table_args__ = (
        db.UniqueConstraint("person_id", "service_type_id", "due_on", name="uq_sms_outbox_visit"),
        # The queue: only rows still to send are in this index, the most urgent first; a
        # row leaves it when it is sent, fails or is skipped.
        db.Index("ix_sms_outbox_queue", "due_on", "id", postgresql_where=db.text("state IN ('queued', 'retry')"),
                 sqlite_where=db.text("state IN ('queued', 'retry')")),
    )
