"""Every export of personal data is in the audit log — who, filters, row count, masked or
not — whatever the list: people, rental ledger, KPI and quality lists, appointments, staff,
audit report, import problems. A test finds every ``xlsx_download`` call and requires its
audit action, so a new export cannot slip through."""
import ast
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

import app as app_package
from app.extensions import db
from app.models import AuditLog, Tenancy
from app.services.common.context import Actor
from app.services.health import planning

APP_DIR = Path(app_package.__file__).parent
TODAY = dt.date.today()


def export_calls():
    """(module, function, audit_as) of every ``xlsx_download`` call in the app."""
    for path in sorted(APP_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            for node in ast.walk(func):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "xlsx_download":
                    audit_as = next((k.value for k in node.keywords if k.arg == "audit_as"), None)
                    yield path.name, func.name, audit_as.value if isinstance(audit_as, ast.Constant) else audit_as


def test_every_export_names_its_audit_action():
    calls = list(export_calls())
    assert len(calls) >= 10
    without = {(m, f) for m, f, a in calls if a is None}
    # Only files without personal data: the blank import templates (every ledger's, made by
    # one function) and the made-up sample ledger.
    assert without == {("ledger_pages.py", "template_download"), ("imports.py", "import_sample")}, without


@pytest.fixture
def data(world, services):
    p = world.person("张三", seq=1)
    db.session.add(Tenancy(person_id=p.id, dwelling_id=world.dwelling_a1.id, start_on=dt.date(2026, 1, 10)))
    db.session.commit()
    planning.plan_month(Actor.cli(), TODAY.replace(day=1), today=TODAY)
    return p


EXPORTS = [
    ("coordinator", "/grid/export.xlsx", "person.export"),
    ("coordinator", "/grid/ledger.xlsx?occupied=1", "ledger.export"),
    ("supervisor", "/station/kpi/cards/missing/export.xlsx", "kpi_list.export"),
    ("supervisor", "/station/quality/no_dwelling/export.xlsx", "quality_list.export"),
    ("health", "/station/appointments/export.xlsx?view=overdue", "appointment.export"),
    ("supervisor", "/station/staff.xlsx", "staff.export"),
    ("supervisor", "/station/audits/report.xlsx", "audit_report.export"),
]


@pytest.mark.parametrize("user,url,action", EXPORTS, ids=[e[2] for e in EXPORTS])
def test_the_export_is_audited(login, data, world, user, url, action):
    r = login(user).get(url)
    assert r.status_code == 200, r.text[:300]
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == action)).one()
    assert entry.user_id == world.users[user].id and entry.entity == "export"
    assert isinstance(entry.after["rows"], int) and entry.after["full_id_numbers"] is False
