from __future__ import annotations

from ..domain.clock import utcnow
from ..extensions import db


class Setting(db.Model):
    """A value the admin set; keys and defaults are in ``domain.settings``."""

    key = db.Column(db.String(64), primary_key=True)
    value = db.Column(db.JSON)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
