"""The admin keeps the responsibility agreement's text as versions."""
from sqlalchemy import select

from app.extensions import db
from app.models import AgreementTemplate, AuditLog


def test_publish_versions_prefilled_from_the_latest(login, world):
    admin = login("admin")
    assert "还没有责任书模板" in admin.get("/admin/agreements").text
    r = admin.post("/admin/agreements/new", data={"title": "出租房屋责任书", "body": "一、……"})
    assert r.status_code == 302
    form = admin.get("/admin/agreements/new").text
    assert 'value="出租房屋责任书"' in form and "一、……" in form and "发布第 2 版" in form
    admin.post("/admin/agreements/new", data={"title": "出租房屋责任书", "body": "一、……\n二、新增", "resign_required": "y"})
    versions = db.session.scalars(select(AgreementTemplate).order_by(AgreementTemplate.version)).all()
    assert [(v.version, v.resign_required) for v in versions] == [(1, False), (2, True)]
    assert len(db.session.scalars(select(AuditLog).where(AuditLog.action == "agreement_template.publish")).all()) == 2
    listing = admin.get("/admin/agreements").text
    assert "第 2 版" in listing and "当前版本" in listing and "要求重新签署" in listing
    assert "二、新增" in admin.get(f"/admin/agreements/{versions[1].id}").text
    assert admin.get("/admin/agreements/999999").status_code == 404


def test_empty_text_is_refused_and_kept(login, world):
    r = login("admin").post("/admin/agreements/new", data={"title": "责任书", "body": "  "})
    assert r.status_code == 200 and "请填写责任书正文" in r.text and 'value="责任书"' in r.text
    assert db.session.scalars(select(AgreementTemplate)).first() is None
