"""Inviting a landlord: a one-time, expiring link stored hashed; resend voids the old
link; revoke; the landlord sets a password and then logs in with their phone number."""
import datetime as dt
import re

from sqlalchemy import select

from app.domain.clock import utcnow
from app.extensions import db
from app.models import AuditLog, LandlordInvitation, User
from app.services.admin import settings
from tests.conftest import PASSWORD


def _invite(client, dwelling_id) -> str:
    page = client.post(f"/grid/dwellings/{dwelling_id}/invite")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert 'src="data:image/svg+xml;base64,' in page.text  # the QR code, scanned on the spot
    return re.search(r"<code>https?://[^/]+(/landlord/invite/[A-Z2-7]+)</code>", page.text).group(1)


def test_invite_on_registering_a_dwelling_then_set_a_password_and_log_in(login, world, app):
    c = login("coordinator")
    r = c.post("/grid/dwellings/new", data={"grid_id": world.grid_a1.id, "address": "文三路 5 号", "kind": "rental",
                                            "landlord_name": "钱多多", "landlord_phone": "13712345678",
                                            "invite_landlord": "y"})
    assert r.status_code == 200 and "邀请房东" in r.text
    link = re.search(r"<code>https?://[^/]+(/landlord/invite/[A-Z2-7]+)</code>", r.text).group(1)
    token = link.rsplit("/", 1)[1]
    stored = db.session.scalars(select(LandlordInvitation)).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    expected = utcnow() + dt.timedelta(days=settings.get("landlord.invitation_days"))
    assert abs((stored.expires_at - expected).total_seconds()) < 60

    landlord = app.test_client()
    page = landlord.get(link)
    assert page.status_code == 200 and "钱多多" in page.text and "137****5678" in page.text
    bad = landlord.post(link, data={"password": "short", "confirm": "short"})
    assert bad.status_code == 200 and "密码至少 8 位" in bad.text
    bad = landlord.post(link, data={"password": "long-enough-1", "confirm": "other-one-2"})
    assert "两次输入的密码不一致" in bad.text
    done = landlord.post(link, data={"password": "long-enough-1", "confirm": "long-enough-1"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/landlord/")
    assert "文三路 5 号" in landlord.get("/landlord/").text
    user = db.session.scalars(select(User).where(User.role == "landlord", User.username == "13712345678")).one()
    assert user.landlord.name == "钱多多"
    # one time only
    assert app.test_client().get(link).status_code == 410
    # and the phone number (as people type it) logs in
    fresh = app.test_client()
    assert fresh.post("/auth/login", data={"username": "137 1234 5678", "password": "long-enough-1"}).status_code == 302
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "invitation.accept")).one().user_id == user.id


def test_resend_voids_the_old_link_and_revoke(login, world, app):
    c = login("coordinator")
    first = _invite(c, world.dwelling_a1.id)
    second = _invite(c, world.dwelling_a1.id)
    anyone = app.test_client()
    assert anyone.get(first).status_code == 410
    assert anyone.get(second).status_code == 200
    assert "已发出邀请链接" in c.get(f"/grid/dwellings/{world.dwelling_a1.id}").text
    assert c.post(f"/grid/dwellings/{world.dwelling_a1.id}/invite/revoke").status_code == 302
    assert anyone.get(second).status_code == 410
    assert anyone.post(second, data={"password": "long-enough-1", "confirm": "long-enough-1"}).status_code == 410


def test_an_expired_link_does_not_work(login, world, app):
    link = _invite(login("coordinator"), world.dwelling_a1.id)
    invitation = db.session.scalars(select(LandlordInvitation)).one()
    invitation.expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    page = app.test_client().get(link)
    assert page.status_code == 410 and "请联系您的网格员重新发送邀请" in page.text


def test_a_link_for_an_existing_account_sets_a_new_password(login, world, app):
    existing = world.users["landlord"]
    link = _invite(login("coordinator"), world.dwelling_a1.id)
    c = app.test_client()
    assert "请设置新密码" in c.get(link).text
    assert c.post(link, data={"password": "brand-new-pass", "confirm": "brand-new-pass"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, existing.id).check_password("brand-new-pass")
    assert db.session.scalars(select(User).where(User.role == "landlord")).all().__len__() == 2  # no new account


def test_coordinator_cannot_invite_outside_scope(login, world):
    c = login("coordinator")
    assert c.post(f"/grid/dwellings/{world.dwelling_b1.id}/invite").status_code == 404
    assert db.session.scalars(select(LandlordInvitation)).first() is None


def test_wrong_passwords_lock_a_landlord_too(login, world, app):
    c = app.test_client()
    for _ in range(5):
        c.post("/auth/login", data={"username": "landlord", "password": "wrong"})
    r = c.post("/auth/login", data={"username": "landlord", "password": PASSWORD})
    assert r.status_code == 200 and "锁定" in r.text


def test_admin_edits_a_landlord_account_without_changing_its_role(login, world):
    admin = login("admin")
    landlord = world.users["landlord"]
    page = admin.get(f"/admin/users/{landlord.id}")
    assert page.status_code == 200 and '<option selected value="landlord">' in page.text
    r = admin.post(f"/admin/users/{landlord.id}", data={"username": "landlord", "name": "房东 新名", "role": "landlord"})
    assert r.status_code == 302
    r = admin.post(f"/admin/users/{landlord.id}", data={"username": "landlord", "name": "x", "role": "coordinator"})
    assert r.status_code == 200
    db.session.expire_all()
    user = db.session.get(User, landlord.id)
    assert (user.role, user.name, user.landlord_id) == ("landlord", "房东 新名", landlord.landlord_id)
    assert "房东" in admin.get("/admin/users").text
