from __future__ import annotations

from ..domain.clock import utcnow
from ..extensions import db


class Outflow(db.Model):
    """One absence of a resident of the county (流出人口): from leaving to returning.

    The origin's side of the register. A person who leaves again gets a new row; at most
    one row per ID number is ``away`` (checked by ``services.outflow.register``). ``person_id``
    links to the same person when the system knows them already (a former inflow, a
    family member): the identity is never typed twice.
    """

    id = db.Column(db.Integer, primary_key=True)
    person_id = db.Column(db.Integer, db.ForeignKey("person.id"), index=True)
    id_number = db.Column(db.String(18), nullable=False, index=True)
    name = db.Column(db.String(64), nullable=False)
    sex = db.Column(db.String(1))
    birth_date = db.Column(db.Date)
    grid_id = db.Column(db.Integer, db.ForeignKey("area.id"), nullable=False, index=True)  # home grid
    left_on = db.Column(db.Date, nullable=False)
    dest_area_code = db.Column(db.String(12))  # division code, down to the township
    dest_address = db.Column(db.String(200))
    reason = db.Column(db.String(20))
    occupation = db.Column(db.String(64))
    employer = db.Column(db.String(100))
    phone = db.Column(db.String(20))  # contact phone there
    home_contact = db.Column(db.String(64))
    home_phone = db.Column(db.String(20))
    expected_return = db.Column(db.Date)
    status = db.Column(db.String(10), nullable=False, default="away")  # away, returned
    returned_on = db.Column(db.Date)
    # Where the record came from: "staff", "import", "exchange" (a destination's notice,
    # waiting for a coordinator to review it).
    source = db.Column(db.String(10), nullable=False, default="staff")
    needs_review = db.Column(db.Boolean, nullable=False, default=False)
    # What the exchange learned: a destination confirmed the person (notice or inquiry answer).
    confirmed_at = db.Column(db.DateTime)
    inquired_at = db.Column(db.DateTime)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    version = db.Column(db.Integer, nullable=False, default=1)

    grid = db.relationship("Area")
    person = db.relationship("Person")
    left_behind = db.relationship("LeftBehind", back_populates="outflow", order_by="LeftBehind.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (db.Index("ix_outflow_grid_status", "grid_id", "status", "name"),)

    @property
    def away(self) -> bool:
        return self.status == "away"


class LeftBehind(db.Model):
    """A child under 16 or a person 60+ who stays home while ``outflow`` is away (留守)."""

    __tablename__ = "left_behind"

    id = db.Column(db.Integer, primary_key=True)
    outflow_id = db.Column(db.Integer, db.ForeignKey("outflow.id", ondelete="CASCADE"), nullable=False, index=True)
    grid_id = db.Column(db.Integer, db.ForeignKey("area.id"), nullable=False, index=True)
    kind = db.Column(db.String(8), nullable=False)  # child, elderly
    name = db.Column(db.String(64), nullable=False)
    id_number = db.Column(db.String(18))
    birth_date = db.Column(db.Date, nullable=False)
    relation = db.Column(db.String(10))  # child, parent, grandchild
    carer = db.Column(db.String(64))
    carer_phone = db.Column(db.String(20))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    outflow = db.relationship("Outflow", back_populates="left_behind")
