from __future__ import annotations

from ..domain.clock import utcnow
from ..extensions import db


class Person(db.Model):
    """A registered member of the floating population.

    ``version`` is SQLAlchemy's version counter: an UPDATE that finds another version
    in the row fails, and the edit service turns that into a "changed meanwhile" page.
    """

    id = db.Column(db.Integer, primary_key=True)
    id_number = db.Column(db.String(18), unique=True)
    name = db.Column(db.String(64), nullable=False)
    sex = db.Column(db.String(1))
    birth_date = db.Column(db.Date)
    ethnicity = db.Column(db.String(2))
    phone = db.Column(db.String(20))
    hukou_area_code = db.Column(db.String(12))
    hukou_address = db.Column(db.String(200))
    marital_status = db.Column(db.String(16))
    education = db.Column(db.String(16))
    occupation = db.Column(db.String(64))
    reason_for_coming = db.Column(db.String(20))
    arrived_on = db.Column(db.Date)
    expected_stay = db.Column(db.String(10))
    employer = db.Column(db.String(100))
    status = db.Column(db.String(10), nullable=False, default="present")
    left_on = db.Column(db.Date)
    grid_id = db.Column(db.Integer, db.ForeignKey("area.id"), nullable=False)
    dwelling_id = db.Column(db.Integer, db.ForeignKey("dwelling.id"), index=True)
    room = db.Column(db.String(20))
    collected_at = db.Column(db.DateTime)
    entered_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    version = db.Column(db.Integer, nullable=False, default=1)
    # Set for people who came in through a ledger import (not a coordinator's own entry).
    import_id = db.Column(db.Integer, db.ForeignKey("people_import.id"), index=True)

    grid = db.relationship("Area")
    dwelling = db.relationship("Dwelling")
    created_by = db.relationship("User")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        db.Index("ix_person_grid_status_name", "grid_id", "status", "name", "id"),
        db.Index("ix_person_name_birth", "name", "birth_date"),
        db.Index("ix_person_grid_arrived", "grid_id", "arrived_on"),
        db.Index("ix_person_grid_left", "grid_id", "left_on"),
        db.Index("ix_person_entered_at", "entered_at"),
        db.Index("ix_person_creator_entered", "created_by_id", "entered_at"),  # staff performance
        db.Index("ix_person_hukou_area_code", "hukou_area_code"),  # its distinct codes, by skipping (quality)
    )

    @property
    def present(self) -> bool:
        return self.status == "present"


class Relation(db.Model):
    """``relative`` is ``person``'s spouse or child (one row per link)."""

    id = db.Column(db.Integer, primary_key=True)
    person_id = db.Column(db.Integer, db.ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True)
    relative_id = db.Column(db.Integer, db.ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True)
    relation = db.Column(db.String(10), nullable=False)

    person = db.relationship("Person", foreign_keys=[person_id])
    relative = db.relationship("Person", foreign_keys=[relative_id])
    __table_args__ = (db.UniqueConstraint("person_id", "relative_id", name="uq_relation_pair"),)


class Movement(db.Model):
    """Arrival, move within the deployment, transfer between areas, or departure."""

    id = db.Column(db.Integer, primary_key=True)
    person_id = db.Column(db.Integer, db.ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    kind = db.Column(db.String(10), nullable=False)  # arrive, move, transfer, leave
    on_date = db.Column(db.Date, nullable=False)
    from_dwelling_id = db.Column(db.Integer, db.ForeignKey("dwelling.id"))
    to_dwelling_id = db.Column(db.Integer, db.ForeignKey("dwelling.id"))
    from_grid_id = db.Column(db.Integer, db.ForeignKey("area.id"))
    to_grid_id = db.Column(db.Integer, db.ForeignKey("area.id"))
    destination = db.Column(db.String(200))
    reason = db.Column(db.String(20))
    note = db.Column(db.String(200))
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    recorded_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    from_dwelling = db.relationship("Dwelling", foreign_keys=[from_dwelling_id])
    to_dwelling = db.relationship("Dwelling", foreign_keys=[to_dwelling_id])
    recorded_by = db.relationship("User")
    __table_args__ = (db.Index("ix_movement_person_date", "person_id", "on_date"),
                      db.Index("ix_movement_recorded_at", "recorded_at", "id"))  # the API's changes feed
