"""Landlords' side of rental housing: invitations to an account, responsibility
agreements (template versions and signatures) and the monthly sweep of dwellings."""
from __future__ import annotations

from ..domain.clock import utcnow
from ..extensions import db


class LandlordInvitation(db.Model):
    """A one-time link with which a landlord sets the password of their account.

    Only a keyed hash of the token is stored (as for cards): the link exists on the
    coordinator's screen and nowhere else. Used, revoked or past ``expires_at`` = void.
    """

    id = db.Column(db.Integer, primary_key=True)
    landlord_id = db.Column(db.Integer, db.ForeignKey("landlord.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    expires_at = db.Column(db.DateTime, nullable=False)
    used_at = db.Column(db.DateTime)
    revoked_at = db.Column(db.DateTime)

    landlord = db.relationship("Landlord")
    created_by = db.relationship("User")

    def usable(self, now) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > now


class AgreementTemplate(db.Model):
    """One version of the landlord responsibility agreement's text. Versions are never
    edited: signatures point at the exact text that was signed."""

    id = db.Column(db.Integer, primary_key=True)
    version = db.Column(db.Integer, nullable=False, unique=True)
    title = db.Column(db.String(100), nullable=False)
    body = db.Column(db.Text, nullable=False)
    # A new version that changes duties asks every landlord to sign again.
    resign_required = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))

    created_by = db.relationship("User")


class Agreement(db.Model):
    """A landlord's signature of one template version for one dwelling. A dwelling that
    changes hands is signed again by its new landlord (``services.rental.agreements``)."""

    id = db.Column(db.Integer, primary_key=True)
    dwelling_id = db.Column(db.Integer, db.ForeignKey("dwelling.id", ondelete="CASCADE"), nullable=False)
    landlord_id = db.Column(db.Integer, db.ForeignKey("landlord.id"), nullable=False, index=True)
    template_id = db.Column(db.Integer, db.ForeignKey("agreement_template.id"), nullable=False)
    signed_name = db.Column(db.String(64), nullable=False)
    signed_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    signed_ip = db.Column(db.String(45))
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"))

    dwelling = db.relationship("Dwelling")
    landlord = db.relationship("Landlord")
    template = db.relationship("AgreementTemplate")
    __table_args__ = (db.UniqueConstraint("dwelling_id", "landlord_id", "template_id",
                                          name="uq_agreement_dwelling_landlord_template"),)


class SweepVisit(db.Model):
    """每月入户核查: one row per dwelling visited in a month (``month`` is its first day).

    Kept deliberately plain (coverage = rows / dwellings per grid and month) so that
    reports and quality rules can count on it directly.
    """

    id = db.Column(db.Integer, primary_key=True)
    dwelling_id = db.Column(db.Integer, db.ForeignKey("dwelling.id", ondelete="CASCADE"), nullable=False)
    grid_id = db.Column(db.Integer, db.ForeignKey("area.id"), nullable=False)
    month = db.Column(db.Date, nullable=False)
    visited_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    visited_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    result = db.Column(db.String(10), nullable=False)  # no_change, changes
    note = db.Column(db.String(200))

    dwelling = db.relationship("Dwelling")
    visited_by = db.relationship("User")
    __table_args__ = (
        db.UniqueConstraint("dwelling_id", "month", name="uq_sweep_visit_dwelling_month"),
        db.Index("ix_sweep_visit_grid_month", "grid_id", "month"),
    )
