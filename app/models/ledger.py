from __future__ import annotations

from ..domain.clock import utcnow
from ..extensions import db


class PeopleImport(db.Model):
    """An uploaded ledger (people, or of another ``ledger`` kind) on its way in: the file (kept under ``instance/imports/``
    as ``token``, never in the session or a URL), how its columns map, what the dry run
    found, what the import wrote. Only its owner sees it; the file is deleted after the
    import, when discarded, or when it expires."""

    id = db.Column(db.Integer, primary_key=True)
    token = db.Column(db.String(43), nullable=False, unique=True)
    owner_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False, index=True)
    filename = db.Column(db.String(200), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False, index=True)
    kind = db.Column(db.String(8), nullable=False)
    # Which ledger it is (``services.registry.people_import.KINDS``): people, outflow.
    ledger = db.Column(db.String(10), nullable=False, default="people", server_default="people")
    sheet = db.Column(db.String(100))
    header_row = db.Column(db.Integer)  # 0-based index of the header in the sheet's rows
    mapping = db.Column(db.JSON)  # {"column index": "field key"}
    grid_id = db.Column(db.Integer, db.ForeignKey("area.id"))  # rows without a grid column go here
    status = db.Column(db.String(12), nullable=False, default="uploaded")  # uploaded, checked, imported, discarded
    summary = db.Column(db.JSON)  # counts and the first issues of the last dry run or of the import
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    expires_at = db.Column(db.DateTime, nullable=False)
    checked_at = db.Column(db.DateTime)
    imported_at = db.Column(db.DateTime)
    imported = db.Column(db.Integer, nullable=False, default=0)

    owner = db.relationship("User")
    grid = db.relationship("Area")


class AuditSample(db.Model):
    """A random sample of a grid's records for a check against reality. ``seed`` and the
    population rule (people present in the grid, and entered in ``month`` if set, in id
    order) make the draw reproducible: the same seed over the same records draws the
    same ones (``domain.sampling``)."""

    id = db.Column(db.Integer, primary_key=True)
    grid_id = db.Column(db.Integer, db.ForeignKey("area.id"), nullable=False, index=True)
    month = db.Column(db.Date)  # first day of the month whose entries were sampled; None: everyone present
    seed = db.Column(db.Integer, nullable=False)
    size = db.Column(db.Integer, nullable=False)
    population = db.Column(db.Integer, nullable=False)
    drawn_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    drawn_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    grid = db.relationship("Area")
    drawn_by = db.relationship("User")
    items = db.relationship("AuditSampleItem", back_populates="sample", order_by="AuditSampleItem.position",
                            cascade="all, delete-orphan", passive_deletes=True)


class AuditSampleItem(db.Model):
    """One drawn record: checked pass or fail (a fail needs a note, and the coordinator
    marks it fixed). ``entered_by_id`` is whose work it was when drawn."""

    id = db.Column(db.Integer, primary_key=True)
    sample_id = db.Column(db.Integer, db.ForeignKey("audit_sample.id", ondelete="CASCADE"), nullable=False)
    person_id = db.Column(db.Integer, db.ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False)
    entered_by_id = db.Column(db.Integer, db.ForeignKey("user.id"), index=True)
    result = db.Column(db.String(4))  # None (not checked yet), "pass", "fail"
    note = db.Column(db.String(200))
    checked_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    checked_at = db.Column(db.DateTime)
    fixed_at = db.Column(db.DateTime)
    fixed_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))

    sample = db.relationship("AuditSample", back_populates="items")
    person = db.relationship("Person")
    entered_by = db.relationship("User", foreign_keys=[entered_by_id])
    __table_args__ = (db.UniqueConstraint("sample_id", "person_id", name="uq_audit_sample_item_pair"),
                      db.Index("ix_audit_sample_item_checked", "checked_at", "result"))
