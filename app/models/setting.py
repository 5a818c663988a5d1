from __future__ import annotations

from ..domain.clock import utcnow
from ..extensions import db


class Setting(db.Model):
    """A value the admin set; keys and defaults are in ``domain.settings``."""

    key = db.Column(db.String(64), primary_key=True)
    value = db.Column(db.JSON)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))


class CalendarDay(db.Model):
    """The admin's own entry in the holiday calendar (``domain.workcalendar``): a day off
    or a working day (调休) that the official calendar lacks or has wrong. It wins over
    the package and the statutory rule."""

    __tablename__ = "calendar_day"

    day = db.Column(db.Date, primary_key=True)
    workday = db.Column(db.Boolean, nullable=False)
    name = db.Column(db.String(40), nullable=False, default="")
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
