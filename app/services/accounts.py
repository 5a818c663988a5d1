"""Staff accounts: signing in with a lockout, and the admin's user management."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from ..domain.clock import utcnow
from ..domain.phone import InvalidPhone, normalise_mobile
from ..domain.text import N_
from ..extensions import db
from ..models import Area, AreaLevel, Role, User
from . import audit
from .context import Actor
from .errors import NotFound, ValidationFailed

MIN_PASSWORD = 8


@dataclass
class SignIn:
    user: User | None
    locked_until: dt.datetime | None = None


def _by_username(username: str | None) -> User | None:
    """Landlords' usernames are their mobile numbers: "139 0000 1111" or "+86…" finds them too."""
    typed = (username or "").strip().lower()
    user = db.session.scalars(select(User).where(func.lower(User.username) == typed)).first()
    if user is None and typed[:1] in ("+", "0", "1"):
        try:
            phone = normalise_mobile(typed)
        except InvalidPhone:
            return None
        user = db.session.scalars(select(User).where(User.username == phone, User.role == Role.LANDLORD.value)).first()
    return user


def authenticate(actor: Actor, username: str, password: str, *, max_failures: int,
                 lockout: dt.timedelta) -> SignIn:
    """Check a password. After ``max_failures`` in a row the account locks for ``lockout``.

    The lock is kept in the database, so it holds across workers and restarts.
    """
    user = _by_username(username)
    now = utcnow()
    if user is None or not user.active:
        return SignIn(None)
    if user.locked_until and user.locked_until > now:
        return SignIn(None, user.locked_until)
    if not user.check_password(password or ""):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + lockout
            user.failed_logins = 0
            audit.record(actor, "user.locked", "user", user.id, None,
                         {"locked_until": user.locked_until.isoformat()})
        db.session.commit()
        return SignIn(None, user.locked_until if user.locked_until and user.locked_until > now else None)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    audit.record(Actor(user.id, user.username, actor.ip), "user.login", "user", user.id)
    db.session.commit()
    return SignIn(user)


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationFailed({"password": f"密码至少 {MIN_PASSWORD} 位"})


def _apply_scope(user: User, role: str, area_id: int | None, grid_ids: list[int]) -> None:
    if role in (Role.SUPERVISOR.value, Role.HEALTH.value):
        area = db.session.get(Area, area_id) if area_id else None
        if area is None or area.level != AreaLevel.TOWNSHIP.value:
            raise ValidationFailed({"area_id": "站点人员须指定所属乡镇/街道"})
        user.area_id, user.grids = area.id, []
    elif role == Role.COORDINATOR.value:
        grids = db.session.scalars(select(Area).where(
            Area.id.in_(grid_ids or []), Area.level == AreaLevel.GRID.value)).all()
        user.area_id, user.grids = None, list(grids)
    else:
        user.area_id, user.grids = None, []


def _user_snapshot(user: User) -> dict:
    return {**audit.snapshot(user, ["username", "name", "phone", "role", "area_id", "active"]),
            "grids": [g.id for g in user.grids]}


def create_user(actor: Actor, *, username: str, name: str, role: str, password: str,
                phone: str | None = None, area_id: int | None = None,
                grid_ids: list[int] | None = None) -> User:
    username = (username or "").strip()
    if not username:
        raise ValidationFailed({"username": "请填写用户名"})
    if role not in {r.value for r in Role}:
        raise ValidationFailed({"role": "未知角色"})
    if db.session.scalars(select(User).where(func.lower(User.username) == username.lower())).first():
        raise ValidationFailed({"username": "用户名已被使用"})
    _check_password(password)
    user = User(username=username, name=(name or username).strip(), role=role, phone=phone or None)
    user.set_password(password)
    _apply_scope(user, role, area_id, grid_ids or [])
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", "user", user.id, None, _user_snapshot(user))
    db.session.commit()
    return user


def get(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("user")
    return user


def update_user(actor: Actor, user_id: int, *, name: str, phone: str | None, role: str,
                area_id: int | None, grid_ids: list[int]) -> User:
    user = get(user_id)
    if (user.role == Role.LANDLORD.value) != (role == Role.LANDLORD.value):
        raise ValidationFailed({"role": N_("房东账号与工作人员账号不能互换角色")})
    before = _user_snapshot(user)
    user.name, user.phone, user.role = name.strip() or user.name, phone or None, role
    _apply_scope(user, role, area_id, grid_ids)
    db.session.flush()
    old, new = audit.changed_only(before, _user_snapshot(user))
    if new:
        audit.record(actor, "user.update", "user", user.id, old, new)
    db.session.commit()
    return user


def set_active(actor: Actor, user_id: int, active: bool) -> User:
    user = get(user_id)
    if actor.user_id == user.id and not active:
        raise ValidationFailed({"active": "不能停用自己的账号"})
    audit.record(actor, "user.activate" if active else "user.deactivate", "user", user.id,
                 {"active": user.active}, {"active": active})
    user.active = active
    db.session.commit()
    return user


def reset_password(actor: Actor, user_id: int, password: str) -> User:
    _check_password(password)
    user = get(user_id)
    user.set_password(password)
    user.failed_logins, user.locked_until, user.must_change_password = 0, None, True
    audit.record(actor, "user.reset_password", "user", user.id)
    db.session.commit()
    return user


def change_own_password(actor: Actor, user: User, current: str, new: str) -> None:
    if not user.check_password(current or ""):
        raise ValidationFailed({"current": "当前密码不正确"})
    _check_password(new)
    user.set_password(new)
    user.must_change_password = False
    audit.record(actor, "user.change_password", "user", user.id)
    db.session.commit()
