"""Staff accounts: signing in with a lockout, and the admin's user management."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ...domain.clock import utcnow
from ...domain.phone import InvalidPhone, normalise_mobile
from ...domain.text import Message, N_
from ...extensions import db
from ...models import Area, AreaLevel, LoginFailure, Role, User
from ..common import audit
from ..common.context import Actor
from ..common.errors import NotFound, ValidationFailed

MIN_PASSWORD = 8


# Checked when the username is unknown, so that an unknown name costs the same hashing time
# as a known one (answering in 15 ms instead of 300 told which accounts exist).
_DUMMY_HASH = generate_password_hash("anju-no-such-user")


@dataclass
class SignIn:
    user: User | None
    locked_until: dt.datetime | None = None
    ip_blocked_until: dt.datetime | None = None  # too many failures from this address


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
                 lockout: dt.timedelta, ip_max_failures: int = 20,
                 ip_window: dt.timedelta = dt.timedelta(minutes=15)) -> SignIn:
    """Check a password. After ``max_failures`` in a row the account locks for ``lockout``;
    after ``ip_max_failures`` failures from one address within ``ip_window`` (whatever the
    accounts) that address may not try for the rest of the window.

    Counts are kept in the database, so they hold across workers and restarts, and each try
    takes its place in the count before the password is checked (an atomic increment), so
    that tries sent at one moment get no more than ``max_failures`` checks between them.
    An unknown, inactive or locked account costs the same hashing time as a real one.
    """
    now = utcnow()
    blocked = _ip_blocked_until(actor.ip, ip_max_failures, ip_window, now)
    if blocked:
        check_password_hash(_DUMMY_HASH, password or "")
        return SignIn(None, ip_blocked_until=blocked)
    user = _by_username(username)
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password or "")
        _record_failure(actor.ip, now)
        return SignIn(None)
    tries, locked_until = _take_a_try(user.id, max_failures, lockout, now)
    if tries > max_failures:  # locked before this try: nothing is checked
        check_password_hash(_DUMMY_HASH, password or "")
        return SignIn(None, locked_until)
    db.session.refresh(user)
    if not user.check_password(password or ""):
        _record_failure(actor.ip, now)
        if tries == max_failures:
            audit.record(actor, "user.locked", "user", user.id, None, {"locked_until": locked_until.isoformat()})
        db.session.commit()
        return SignIn(None, locked_until if tries == max_failures else None)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    audit.record(Actor(user.id, user.username, actor.ip), "user.login", "user", user.id)
    db.session.commit()
    return SignIn(user)


def _take_a_try(user_id: int, max_failures: int, lockout: dt.timedelta, now: dt.datetime):
    """Count one more try on the account, committed at once, and return (the tries so far,
    the lock's end). A lock that ran out starts the count again; the try that reaches
    ``max_failures`` sets the lock (a right password lifts it again)."""
    table = User.__table__
    db.session.execute(update(table).where(table.c.id == user_id, table.c.locked_until <= now)
                       .values(failed_logins=0, locked_until=None))
    tries = table.c.failed_logins + 1
    row = db.session.execute(
        update(table).where(table.c.id == user_id)
        .values(failed_logins=tries,
                locked_until=case((tries == max_failures, now + lockout), else_=table.c.locked_until))
        .returning(table.c.failed_logins, table.c.locked_until)).one()
    db.session.commit()
    return row.failed_logins, row.locked_until


def _ip_blocked_until(ip: str | None, max_failures: int, window: dt.timedelta, now: dt.datetime):
    """The end of this address's block, or None: ``max_failures`` failures in ``window``."""
    if not ip or max_failures <= 0:
        return None
    times = db.session.scalars(select(LoginFailure.at).where(LoginFailure.ip == ip, LoginFailure.at > now - window)
                               .order_by(LoginFailure.at.desc()).limit(max_failures)).all()
    return times[-1] + window if len(times) >= max_failures else None


def _record_failure(ip: str | None, now: dt.datetime) -> None:
    db.session.add(LoginFailure(ip=(ip or "?")[:45], at=now))
    db.session.commit()


def unlock(actor: Actor, user_id: int) -> User:
    """An administrator lifts a lock at once (the locked person called the station)."""
    user = get(user_id)
    audit.record(actor, "user.unlock", "user", user.id, {"locked_until": user.locked_until and
                                                         user.locked_until.isoformat()}, None)
    user.failed_logins, user.locked_until = 0, None
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """Every session signed in before stops working (``auth.session.user_for_session``)."""
    user.session_generation = (user.session_generation or 0) + 1


def sign_out(actor: Actor, user: User) -> None:
    """Signing out ends the user's sessions everywhere: a copy of the cookie opens nothing."""
    end_sessions(user)
    audit.record(actor, "user.logout", "user", user.id)
    db.session.commit()


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationFailed({"password": Message(N_("密码至少 %(n)d 位"), n=MIN_PASSWORD)})


def _apply_scope(user: User, role: str, area_id: int | None, grid_ids: list[int]) -> None:
    if role in (Role.SUPERVISOR.value, Role.HEALTH.value):
        area = db.session.get(Area, area_id) if area_id else None
        if area is None or area.level != AreaLevel.TOWNSHIP.value:
            raise ValidationFailed({"area_id": N_("站点人员须指定所属乡镇/街道")})
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
        raise ValidationFailed({"username": N_("请填写用户名")})
    if role not in {r.value for r in Role}:
        raise ValidationFailed({"role": N_("未知角色")})
    if db.session.scalars(select(User).where(func.lower(User.username) == username.lower())).first():
        raise ValidationFailed({"username": N_("用户名已被使用")})
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
        raise ValidationFailed({"active": N_("不能停用自己的账号")})
    audit.record(actor, "user.activate" if active else "user.deactivate", "user", user.id,
                 {"active": user.active}, {"active": active})
    user.active = active
    if not active:
        end_sessions(user)
    db.session.commit()
    return user


def reset_password(actor: Actor, user_id: int, password: str) -> User:
    _check_password(password)
    user = get(user_id)
    user.set_password(password)
    user.failed_logins, user.locked_until, user.must_change_password = 0, None, True
    end_sessions(user)
    audit.record(actor, "user.reset_password", "user", user.id)
    db.session.commit()
    return user


def change_own_password(actor: Actor, user: User, current: str, new: str) -> None:
    if not user.check_password(current or ""):
        raise ValidationFailed({"current": N_("当前密码不正确")})
    _check_password(new)
    user.set_password(new)
    user.must_change_password = False
    end_sessions(user)  # other sessions end; the caller signs this one in again
    audit.record(actor, "user.change_password", "user", user.id)
    db.session.commit()
