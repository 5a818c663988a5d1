from __future__ import annotations

from ..domain.clock import utcnow
from ..extensions import db


class Card(db.Model):
    """A person's convenience service contact card. One active card per person.

    ``token_hash`` and ``code_hash`` are keyed hashes (see ``domain.cards``); the secrets
    themselves exist only on the printed card.
    """

    id = db.Column(db.Integer, primary_key=True)
    person_id = db.Column(db.Integer, db.ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    code_hash = db.Column(db.String(64), nullable=False, unique=True)
    issued_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    issued_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    printed_at = db.Column(db.DateTime)
    revoked_at = db.Column(db.DateTime)
    revoked_reason = db.Column(db.String(20))  # reissued, departed, revoked
    batch_id = db.Column(db.Integer, db.ForeignKey("card_batch.id"), index=True)  # the sheet it was printed on

    person = db.relationship("Person", backref=db.backref("cards", passive_deletes=True))
    batch = db.relationship("CardBatch")


class CardBatch(db.Model):
    """Cards printed together on one print sheet. A sheet that came out wrong (a jam, the
    wrong scale) is printed again as a whole: every card of it reissued at once."""

    id = db.Column(db.Integer, primary_key=True)
    grid_id = db.Column(db.Integer, db.ForeignKey("area.id"), nullable=False)
    printed_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    printed_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    size = db.Column(db.Integer, nullable=False, default=0)
    reprint_of_id = db.Column(db.Integer, db.ForeignKey("card_batch.id"))

    grid = db.relationship("Area")
    printed_by = db.relationship("User")
    __table_args__ = (db.Index("ix_card_batch_grid_printed", "grid_id", "printed_at"),)


class UnlockAttempt(db.Model):
    """Failed unlocks of a card page, counted per card and per IP address."""

    id = db.Column(db.Integer, primary_key=True)
    card_id = db.Column(db.Integer, db.ForeignKey("card.id", ondelete="CASCADE"), nullable=False)
    ip = db.Column(db.String(45), nullable=False)
    at = db.Column(db.DateTime, nullable=False, default=utcnow)
    __table_args__ = (db.Index("ix_unlock_card_at", "card_id", "at"), db.Index("ix_unlock_ip_at", "ip", "at"))
