from __future__ import annotations

from ..domain.clock import utcnow
from ..extensions import db


class IdempotencyKey(db.Model):
    """A submission the phone queued offline and sent with an ``Idempotency-Key`` header.

    Written in the same transaction as what the submission wrote, so a key seen here means
    the act is saved; a resend (the phone never heard the answer) gets the stored answer
    instead of a second registration. Keys belong to the user who sent them."""

    __tablename__ = "idempotency_key"
    __table_args__ = (db.UniqueConstraint("user_id", "key"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    key = db.Column(db.String(64), nullable=False)
    fingerprint = db.Column(db.String(64), nullable=False)  # SHA-256 of the path and the form's fields
    status = db.Column(db.Integer)  # the answer given the first time
    location = db.Column(db.String(500))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
