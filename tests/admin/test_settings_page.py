"""The admin's settings page: values saved, audited, bad input kept with its message."""
from sqlalchemy import select

from app.domain.settings import DEFINITIONS, shown
from app.extensions import db
from app.models import AuditLog
from app.services.admin import settings


def _form(**typed) -> dict:
    """The whole form as the page sends it: every setting at its default, then ``typed``."""
    return {**{d.key: shown(d, d.default) for d in DEFINITIONS}, **typed}


def test_saving_a_setting_changes_what_the_code_reads(login, world):
    admin = login("admin")
    page = admin.get("/admin/settings")
    assert page.status_code == 200 and 'name="person.entry_hours" value="24"' in page.text
    response = admin.post("/admin/settings", data=_form(**{"person.entry_hours": "48"}))
    assert response.status_code == 302
    assert settings.get("person.entry_hours") == 48
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "setting.update")).one()
    assert entry.before["value"] == 24 and entry.after["value"] == 48


def test_a_bad_value_saves_nothing_and_keeps_what_was_typed(login, world):
    admin = login("admin")
    response = admin.post("/admin/settings", data=_form(**{"person.entry_hours": "abc"}))
    assert response.status_code == 200
    assert 'value="abc"' in response.text and "请填写数字" in response.text
    assert settings.get("person.entry_hours") == 24


def test_only_admins_change_settings(login, world):
    assert login("supervisor").post("/admin/settings", data={"person.entry_hours": "1"}).status_code == 403
    assert settings.get("person.entry_hours") == 24
