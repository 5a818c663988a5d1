from __future__ import annotations

import enum

from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.clock import utcnow
from ..extensions import db
from .area import user_grids


class Role(str, enum.Enum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    COORDINATOR = "coordinator"
    HEALTH = "health"
    LANDLORD = "landlord"


class User(UserMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), nullable=False, unique=True)
    name = db.Column(db.String(64), nullable=False)
    phone = db.Column(db.String(20))
    role = db.Column(db.String(16), nullable=False)
    # Supervisors and health workers: their township; admins: none (everything).
    area_id = db.Column(db.Integer, db.ForeignKey("area.id"))
    # Landlords: the landlord record whose dwellings they see (accounts come from invitations).
    landlord_id = db.Column(db.Integer, db.ForeignKey("landlord.id"), index=True, unique=True)
    password_hash = db.Column(db.String(256), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    failed_logins = db.Column(db.Integer, nullable=False, default=0)
    locked_until = db.Column(db.DateTime)
    must_change_password = db.Column(db.Boolean, nullable=False, default=False)
    # Written into the session at sign-in; signing out, a password change or reset and
    # deactivation raise it, so every session signed in before stops working.
    session_generation = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_login_at = db.Column(db.DateTime)

    area = db.relationship("Area")
    landlord = db.relationship("Landlord")
    grids = db.relationship("Area", secondary=user_grids, order_by="Area.code")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def get_id(self) -> str:  # Flask-Login's key in the session: the id and the generation
        return f"{self.id}:{self.session_generation or 0}"

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {r.value if isinstance(r, Role) else r for r in roles}


class LoginFailure(db.Model):
    """A wrong password (or unknown username) from an IP address: too many from one address
    stop its attempts for a while, whichever accounts they aim at."""

    id = db.Column(db.Integer, primary_key=True)
    ip = db.Column(db.String(45), nullable=False)
    at = db.Column(db.DateTime, nullable=False, default=utcnow)
    __table_args__ = (db.Index("ix_login_failure_ip_at", "ip", "at"),)


class RateCounter(db.Model):
    """Rate-limit counters kept in the database (``serving.ratelimit_db``) when no Redis is
    configured: one row per limit and key, counting up to its window's end."""

    key = db.Column(db.String(255), primary_key=True)
    count = db.Column(db.Integer, nullable=False, default=0)
    expires_at = db.Column(db.Float, nullable=False)  # Unix time, as the limits library counts
