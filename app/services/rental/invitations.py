"""Inviting a landlord to an account: a one-time, expiring link shown (with its QR
code) on the coordinator's phone, with which the landlord sets a password.

The token is made like a card's (``domain.cards.new_token``) and stored only as its keyed
hash (``services.cards.issuing.token_digest``). Sending a new link voids the old one.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from ...domain import cards as card_rules
from ...domain.clock import utcnow
from ...domain.phone import InvalidPhone, normalise_mobile
from ...domain.text import N_
from ...extensions import db
from ...models import Dwelling, Landlord, LandlordInvitation, Role, User
from .. import scope
from ..admin import settings
from ..admin.accounts import MIN_PASSWORD
from ..cards.issuing import token_digest
from ..common import audit
from ..common.context import Actor
from ..common.errors import NotFound, ValidationFailed


@dataclass
class IssuedInvitation:
    """An invitation with its token, which exists only until the page showing it is sent."""

    invitation: LandlordInvitation
    token: str


def account(landlord: Landlord | None) -> User | None:
    if landlord is None:
        return None
    return db.session.scalars(select(User).where(User.landlord_id == landlord.id)).first()


def open_invitation(landlord: Landlord | None) -> LandlordInvitation | None:
    """The landlord's invitation that still works, if any."""
    if landlord is None:
        return None
    return db.session.scalars(select(LandlordInvitation).where(
        LandlordInvitation.landlord_id == landlord.id, LandlordInvitation.used_at.is_(None),
        LandlordInvitation.revoked_at.is_(None), LandlordInvitation.expires_at > utcnow())
        .order_by(LandlordInvitation.id.desc())).first()


def _landlord_of(user: User, dwelling_id: int) -> tuple[Dwelling, Landlord]:
    dwelling = scope.get_dwelling(user, dwelling_id)
    if dwelling.landlord is None:
        raise ValidationFailed({"landlord": N_("该住所没有登记房东")})
    if not dwelling.landlord.phone:
        raise ValidationFailed({"landlord": N_("请先登记房东的手机号码")})
    return dwelling, dwelling.landlord


def _void_open(actor: Actor, landlord: Landlord, now: dt.datetime) -> None:
    for old in db.session.scalars(select(LandlordInvitation).where(
            LandlordInvitation.landlord_id == landlord.id, LandlordInvitation.used_at.is_(None),
            LandlordInvitation.revoked_at.is_(None))):
        old.revoked_at = now
        audit.record(actor, "invitation.revoke", "landlord_invitation", old.id, None, {"landlord_id": landlord.id})


def invite(actor: Actor, user: User, dwelling_id: int) -> IssuedInvitation:
    """A new link for the dwelling's landlord; any earlier link stops working.

    For a landlord who already has an account the link sets a new password (they forgot it).
    """
    dwelling, landlord = _landlord_of(user, dwelling_id)
    now = utcnow()
    _void_open(actor, landlord, now)
    token = card_rules.new_token()
    invitation = LandlordInvitation(landlord_id=landlord.id, token_hash=token_digest(token), created_at=now,
                                    created_by_id=actor.user_id,
                                    expires_at=now + dt.timedelta(days=settings.get("landlord.invitation_days")))
    db.session.add(invitation)
    db.session.flush()
    audit.record(actor, "invitation.create", "landlord_invitation", invitation.id, None,
                 {"landlord_id": landlord.id, "dwelling_id": dwelling.id, "expires_at": invitation.expires_at})
    db.session.commit()
    return IssuedInvitation(invitation, token)


def revoke(actor: Actor, user: User, dwelling_id: int) -> None:
    _, landlord = _landlord_of(user, dwelling_id)
    if open_invitation(landlord) is None:
        raise ValidationFailed({"landlord": N_("没有可撤销的邀请")})
    _void_open(actor, landlord, utcnow())
    db.session.commit()


def by_token(token: str) -> LandlordInvitation | None:
    """The invitation of a link, used or not; None for a token that was never issued."""
    token = card_rules.normalise_token(token)
    if not 20 <= len(token) <= 64:
        return None
    return db.session.scalars(select(LandlordInvitation).where(
        LandlordInvitation.token_hash == token_digest(token))).first()


def accept(token: str, password: str, confirm: str, ip: str | None) -> User:
    """Set the password: creates the landlord's account (username = phone number) or,
    for an existing one, replaces its password. The link then stops working."""
    invitation = by_token(token)
    now = utcnow()
    if invitation is None or not invitation.usable(now):
        raise NotFound("invitation")
    errors = {}
    if len(password or "") < MIN_PASSWORD:
        errors["password"] = N_("密码至少 8 位")
    elif password != confirm:
        errors["confirm"] = N_("两次输入的密码不一致")
    if errors:
        raise ValidationFailed(errors)
    landlord = invitation.landlord
    try:
        phone = normalise_mobile(landlord.phone)
    except InvalidPhone:
        raise ValidationFailed({"password": N_("房东手机号码无效，请联系网格员")}) from None
    user = account(landlord)
    actor = Actor(user.id if user else None, f"landlord:{landlord.id}", ip)
    if user is None:
        taken = db.session.scalars(select(User).where(func.lower(User.username) == phone)).first()
        if taken is not None:
            raise ValidationFailed({"password": N_("此手机号已被其他账号使用，请联系网格员")})
        user = User(username=phone, name=landlord.name, phone=phone, role=Role.LANDLORD.value,
                    landlord_id=landlord.id)
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
        audit.record(Actor(user.id, phone, ip), "user.create", "user", user.id, None,
                     {"role": user.role, "landlord_id": landlord.id, "via": "invitation"})
    elif not user.active:  # an account the admin switched off stays off
        raise ValidationFailed({"password": N_("此账号已停用，请联系服务站")})
    else:
        user.set_password(password)
        user.failed_logins, user.locked_until, user.must_change_password = 0, None, False
        user.session_generation = (user.session_generation or 0) + 1  # a lost phone's session ends
        audit.record(actor, "user.reset_password", "user", user.id, None, {"via": "invitation"})
    invitation.used_at = now
    audit.record(Actor(user.id, user.username, ip), "invitation.accept", "landlord_invitation", invitation.id)
    db.session.commit()
    return user
