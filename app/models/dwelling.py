from __future__ import annotations

from ..domain.clock import utcnow
from ..extensions import db


class Landlord(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(64), nullable=False)
    phone = db.Column(db.String(20), unique=True)
    id_number = db.Column(db.String(18))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class Dwelling(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    grid_id = db.Column(db.Integer, db.ForeignKey("area.id"), nullable=False)
    address = db.Column(db.String(200), nullable=False)
    kind = db.Column(db.String(16), nullable=False, default="rental")
    rooms = db.Column(db.Integer)
    landlord_id = db.Column(db.Integer, db.ForeignKey("landlord.id"), index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    version = db.Column(db.Integer, nullable=False, default=1)

    grid = db.relationship("Area")
    landlord = db.relationship("Landlord", backref="dwellings")

    __mapper_args__ = {"version_id_col": version}
    # (address, id): a county's dwelling lists walk it in their order and stop at a page.
    __table_args__ = (db.Index("ix_dwelling_grid_address", "grid_id", "address", "id"),
                      db.Index("ix_dwelling_address_id", "address", "id"))


class Tenancy(db.Model):
    """Who lived in which dwelling when; the landlord confirms it (later)."""

    id = db.Column(db.Integer, primary_key=True)
    person_id = db.Column(db.Integer, db.ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True)
    dwelling_id = db.Column(db.Integer, db.ForeignKey("dwelling.id"), nullable=False)
    room = db.Column(db.String(20))
    start_on = db.Column(db.Date, nullable=False)
    end_on = db.Column(db.Date)
    confirmed_by_landlord_at = db.Column(db.DateTime)

    person = db.relationship("Person")
    dwelling = db.relationship("Dwelling")
    __table_args__ = (db.Index("ix_tenancy_dwelling_end", "dwelling_id", "end_on"),)
