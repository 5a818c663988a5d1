from __future__ import annotations

from ..domain.clock import utcnow
from ..extensions import db

api_token_areas = db.Table(
    "api_token_area",
    db.Column("token_id", db.ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True),
    db.Column("area_id", db.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True),
)


class ApiToken(db.Model):
    """An integration's key to the JSON API (``/api/v1/``), made by an admin.

    Only the SHA-256 of the secret is kept (``token_hash``); the secret is shown once.
    The token sees the people of its areas (everything below them), reads or also
    writes, and stops working at once when revoked. It stands in for a user wherever
    ``services.scope`` asks who is looking (``role`` is ``integration``).
    """

    ROLE = "integration"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    prefix = db.Column(db.String(12), nullable=False)  # shown in lists to tell tokens apart
    access = db.Column(db.String(8), nullable=False, default="read")  # read, write
    full_id_numbers = db.Column(db.Boolean, nullable=False, default=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_used_at = db.Column(db.DateTime)
    revoked_at = db.Column(db.DateTime)

    areas = db.relationship("Area", secondary=api_token_areas, order_by="Area.code")
    created_by = db.relationship("User")

    # What ``services.scope`` reads of a user.
    role = ROLE
    area_id = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def may_write(self) -> bool:
        return self.access == "write"

    @property
    def label(self) -> str:
        """The audit log's actor: ``api:<name>``."""
        return f"api:{self.name}"[:80]
