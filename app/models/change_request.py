from __future__ import annotations

from ..domain.clock import utcnow
from ..extensions import db


class ChangeRequest(db.Model):
    """A change waiting for a decision by staff of the target grid.

    ``kind`` says what it is: ``transfer`` (another area asks for a person's record),
    self-reports from migrants (``address``, ``departure``, ``phone``) and reports from
    landlords (``tenant_arrival`` — ``person_id`` is empty until it is accepted —,
    ``tenant_departure``, ``tenancy_dispute``). ``payload`` holds
    what was asked, ``grid_id`` the queue it lands in.
    """

    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(20), nullable=False)
    source = db.Column(db.String(20), nullable=False)  # coordinator, migrant, landlord
    person_id = db.Column(db.Integer, db.ForeignKey("person.id", ondelete="CASCADE"))
    grid_id = db.Column(db.Integer, db.ForeignKey("area.id"), nullable=False)
    payload = db.Column(db.JSON, nullable=False, default=dict)
    status = db.Column(db.String(10), nullable=False, default="pending")
    reason = db.Column(db.String(200))
    requested_by_id = db.Column(db.Integer, db.ForeignKey("user.id"), index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    decided_at = db.Column(db.DateTime)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))

    person = db.relationship("Person")
    grid = db.relationship("Area")
    requested_by = db.relationship("User", foreign_keys=[requested_by_id])
    decided_by = db.relationship("User", foreign_keys=[decided_by_id])
    __table_args__ = (db.Index("ix_change_request_queue", "grid_id", "status", "created_at"),)

    def close(self, status: str, user_id: int | None, reason: str | None = None) -> None:
        self.status, self.reason, self.decided_at, self.decided_by_id = status, reason, utcnow(), user_id
