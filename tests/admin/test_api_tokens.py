"""The admin makes an integration token, sees it once, and revokes it."""
import re

from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken, AuditLog


def test_admin_creates_shows_once_and_revokes(login, world, client):
    admin = login("admin")
    page = admin.get("/admin/api-tokens/new").data.decode()
    assert "北山街道" in page and "第1网格" in page
    r = admin.post("/admin/api-tokens/new", data={"name": "区卫健局", "access": "write",
                                                   "area_ids": [str(world.town_a.id)]})
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    secret = re.search(r"anju_[A-Za-z0-9_-]{40,}", r.data.decode()).group(0)
    token = db.session.scalars(select(ApiToken)).one()
    assert token.token_hash != secret and secret not in admin.get("/admin/api-tokens").data.decode()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/changes?since=2026-01-01T00:00:00Z", headers=headers).status_code == 200
    listing = admin.get("/admin/api-tokens").data.decode()
    assert "区卫健局" in listing and token.prefix in listing and "从未调用" not in listing
    r = admin.post(f"/admin/api-tokens/{token.id}/revoke")
    assert r.status_code == 302
    assert client.get("/api/v1/changes?since=2026-01-01T00:00:00Z", headers=headers).status_code == 401
    actions = [a.action for a in db.session.scalars(select(AuditLog).where(AuditLog.entity == "api_token")
                                                     .order_by(AuditLog.id))]
    assert actions == ["api_token.create", "api.changes", "api_token.revoke"]
    calls = admin.get(f"/admin/audit?entity=api_token&entity_id={token.id}").data.decode()
    assert "api.changes" in calls


def test_a_token_needs_a_name_and_an_area(login, world):
    admin = login("admin")
    r = admin.post("/admin/api-tokens/new", data={"name": "", "access": "read"})
    page = r.data.decode()
    assert r.status_code == 200 and "请填写对接系统名称" in page and "请至少选择一个区域" in page
    r = admin.post("/admin/api-tokens/new", data={"name": "x", "access": "admin", "area_ids": ["999999"]})
    assert r.status_code == 200 and db.session.scalars(select(ApiToken)).first() is None


def test_only_admins(login, world):
    for role in ("supervisor", "coordinator"):
        assert login(role).get("/admin/api-tokens").status_code == 403
        assert login(role).post("/admin/api-tokens/new", data={"name": "x"}).status_code == 403
