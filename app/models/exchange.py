from __future__ import annotations

from ..domain.clock import utcnow
from ..extensions import db


class Peer(db.Model):
    """Another Anju deployment (a county) this one exchanges messages with."""

    __tablename__ = "exchange_peer"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False, unique=True)
    code = db.Column(db.String(12), nullable=False, unique=True)  # its own county's division code
    prefixes = db.Column(db.String(400), nullable=False)  # division-code prefixes it serves, space-separated
    base_url = db.Column(db.String(300))
    # Standard Webhooks secrets ("whsec_…"): the first signs, either verifies (a rotation).
    key = db.Column(db.String(120), nullable=False)
    next_key = db.Column(db.String(120))
    active = db.Column(db.Boolean, nullable=False, default=True)

    @property
    def prefix_list(self) -> list[str]:
        return [p for p in (self.prefixes or "").split() if p]

    @property
    def keys(self) -> list[str]:
        return [k for k in (self.key, self.next_key) if k]


class OutboxMessage(db.Model):
    """A message to a peer, written in the transaction of the change that causes it;
    ``flask exchange send`` (or the job it enqueues) delivers it."""

    __tablename__ = "exchange_outbox"

    id = db.Column(db.Integer, primary_key=True)
    message_id = db.Column(db.String(40), nullable=False, unique=True)
    peer_id = db.Column(db.Integer, db.ForeignKey("exchange_peer.id"), nullable=False)
    type = db.Column(db.String(20), nullable=False)
    body = db.Column(db.JSON, nullable=False)
    grid_id = db.Column(db.Integer, db.ForeignKey("area.id"), index=True)  # whose work it is (scope)
    about = db.Column(db.String(18))  # the ID number it concerns: matches answers, never shown in full
    reply_to = db.Column(db.String(40))  # the message this one answers
    state = db.Column(db.String(10), nullable=False, default="pending")  # pending, sent, failed
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_error = db.Column(db.String(300))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    sent_at = db.Column(db.DateTime)
    answered_at = db.Column(db.DateTime)  # a notice or inquiry: when the peer's answer came

    peer = db.relationship("Peer")
    __table_args__ = (db.Index("ix_exchange_outbox_due", "state", "next_at"),)


class InboxMessage(db.Model):
    """A message received from a peer, stored verified and raw before it is processed.
    (peer, message id) is unique: the same message delivered again changes nothing."""

    __tablename__ = "exchange_inbox"

    id = db.Column(db.Integer, primary_key=True)
    peer_id = db.Column(db.Integer, db.ForeignKey("exchange_peer.id"), nullable=False)
    message_id = db.Column(db.String(40), nullable=False)
    type = db.Column(db.String(20), nullable=False)
    raw = db.Column(db.Text, nullable=False)
    received_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    via = db.Column(db.String(8), nullable=False, default="http")  # http, bundle
    state = db.Column(db.String(10), nullable=False, default="received")  # received, processed, open, error
    outcome = db.Column(db.String(20))  # linked, created, not_resident, found, not_found, noted
    error = db.Column(db.String(300))
    grid_id = db.Column(db.Integer, db.ForeignKey("area.id"), index=True)  # the area it concerns (scope)
    about = db.Column(db.String(18), index=True)  # the ID number it concerns (the monitor's 重卡)
    due_on = db.Column(db.Date)  # a notice: the feedback's deadline
    answered_at = db.Column(db.DateTime)

    peer = db.relationship("Peer")
    __table_args__ = (db.UniqueConstraint("peer_id", "message_id", name="uq_exchange_inbox_message"),
                      db.Index("ix_exchange_inbox_state", "state", "due_on"))
