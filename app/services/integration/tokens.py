"""Integration tokens: made and revoked by the admin, looked up on every API call.

A token is 32 random bytes, so a plain SHA-256 of it is enough to keep at rest (there is
nothing to guess, unlike a password) and lets a request's token be found by its hash in
one indexed query. The secret is shown once, when it is made, and never stored.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select

from ...domain.clock import utcnow
from ...domain.text import N_
from ...extensions import db
from ...models import ApiToken, Area
from ..common import audit
from ..common.context import Actor
from ..common.errors import NotFound, ValidationFailed

PREFIX = "anju_"
ACCESS = ("read", "write")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create(actor: Actor, *, name: str, access: str, area_ids: list[int],
           full_id_numbers: bool = False) -> tuple[ApiToken, str]:
    """A new token for an integration; returns it with its secret (shown once)."""
    name = (name or "").strip()
    errors = {}
    if not name or len(name) > 80:
        errors["name"] = N_("请填写对接系统名称（不超过 80 字）")
    if access not in ACCESS:
        errors["access"] = N_("请选择只读或读写")
    areas = list(db.session.scalars(select(Area).where(Area.id.in_(area_ids or [])))) if area_ids else []
    if not areas:
        errors["area_ids"] = N_("请至少选择一个区域")
    if errors:
        raise ValidationFailed(errors)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=hash_secret(secret), prefix=secret[:len(PREFIX) + 4], access=access,
                     full_id_numbers=bool(full_id_numbers), areas=areas, created_by_id=actor.user_id)
    db.session.add(token)
    db.session.flush()
    audit.record(actor, "api_token.create", "api_token", token.id, None,
                 {"name": name, "access": access, "areas": [a.code for a in areas],
                  "full_id_numbers": token.full_id_numbers, "prefix": token.prefix})
    db.session.commit()
    return token, secret


def revoke(actor: Actor, token_id: int) -> ApiToken:
    """The token stops working at once (every worker reads it from the database)."""
    token = get(token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(actor, "api_token.revoke", "api_token", token.id, {"revoked_at": None},
                     {"revoked_at": token.revoked_at})
        db.session.commit()
    return token


def get(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id) if isinstance(token_id, int) and 0 < token_id < 2**31 else None
    if token is None:
        raise NotFound("api_token")
    return token


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.name,
                                                             ApiToken.id)))


def authenticate(secret: str | None) -> ApiToken | None:
    """The active token whose secret this is, else None."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    digest = hash_secret(secret)
    token = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    if token is None or not hmac.compare_digest(token.token_hash, digest) or not token.active:
        return None
    return token


def record_call(token: ApiToken, ip: str | None, operation: str, status: int, details: dict | None = None,
                entity: str = "api_token", entity_id: int | None = None) -> None:
    """Every call a token makes, answered or refused, is one audit entry (never the ID
    numbers or other personal data it carried: ``details`` holds record keys and counts)."""
    actor = Actor(user_id=None, label=token.label, ip=ip)
    token.last_used_at = utcnow()
    audit.record(actor, f"api.{operation}"[:40], entity, entity_id if entity_id is not None else token.id, None,
                 {"token_id": token.id, "status": status, **(details or {})})
    db.session.commit()
