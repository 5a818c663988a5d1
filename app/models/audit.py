from __future__ import annotations

from ..domain.clock import utcnow
from ..extensions import db


class AuditLog(db.Model):
    """One row per write: who, when, what, before/after, from which address."""

    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), index=True)
    actor = db.Column(db.String(80))  # e.g. "landlord:12", "card", "cli" where no user
    action = db.Column(db.String(40), nullable=False)
    entity = db.Column(db.String(30), nullable=False)
    entity_id = db.Column(db.Integer)
    before = db.Column(db.JSON)
    after = db.Column(db.JSON)
    ip = db.Column(db.String(45))

    user = db.relationship("User")
    __table_args__ = (db.Index("ix_audit_entity", "entity", "entity_id"),)
