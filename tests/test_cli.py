from sqlalchemy import func, select

from app.extensions import db
from app.models import Area, AuditLog, Person, User
from app.services.demo import county as demo


def test_seed_demo_builds_the_demo_county(app, ctx):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--persons", "200", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "admin" in result.output and demo.PASSWORD in result.output
    assert db.session.scalar(select(func.count(Person.id))) == 200
    levels = dict(db.session.execute(select(Area.level, func.count()).group_by(Area.level)).all())
    assert levels == {"county": 1, "township": 2, "community": 4, "grid": 8}
    assert {u.role for u in db.session.scalars(select(User))} == {"admin", "supervisor", "coordinator", "health", "landlord"}
    assert db.session.scalar(select(func.count()).select_from(db.Model.metadata.tables["dwelling"])) >= 60
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "demo.seed")).one()


def test_seed_demo_is_reproducible(app, ctx):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo", "--persons", "50", "--seed", "11"])
    first = list(db.session.scalars(select(Person.id_number).order_by(Person.id)))
    from tests.conftest import _clean
    _clean()
    runner.invoke(args=["seed-demo", "--persons", "50", "--seed", "11"])
    assert list(db.session.scalars(select(Person.id_number).order_by(Person.id))) == first


def test_seed_demo_refuses_a_full_database_but_if_empty_just_prints_logins(app, ctx):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo", "--persons", "20"])
    again = runner.invoke(args=["seed-demo", "--persons", "20"])
    assert again.exit_code != 0 and "empty database" in again.output
    quiet = runner.invoke(args=["seed-demo", "--if-empty"])
    assert quiet.exit_code == 0 and "coordinator" in quiet.output
    assert db.session.scalar(select(func.count(Person.id))) == 20


def test_create_user(app, world):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--username", "zhou", "--name", "周", "--role", "coordinator",
        "--password", "a-long-password", "--grid-code", "A1", "--grid-code", "A2"])
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User).where(User.username == "zhou")).one()
    assert {g.code for g in user.grids} == {"A1", "A2"}
    bad = app.test_cli_runner().invoke(args=[
        "create-user", "--username", "x", "--name", "x", "--role", "supervisor", "--password", "a-long-password",
        "--area-code", "nope"])
    assert bad.exit_code != 0 and "unknown area code" in bad.output


def test_init_db_is_safe_to_rerun(app, ctx):
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0 and "Database ready" in result.output


def test_seed_demo_gives_landlords_something_to_do(app, ctx):
    from app.models import AgreementTemplate, ChangeRequest, SweepVisit, Tenancy
    result = app.test_cli_runner().invoke(args=["seed-demo", "--persons", "200"])
    assert "13900000000   landlord" in result.output
    client = app.test_client()
    login = client.post("/auth/login", data={"username": "13900000000", "password": demo.PASSWORD})
    assert login.status_code == 302
    home = client.get("/landlord/").text
    assert "退出（王建国）" in home
    assert "签署责任书" in home and "确认租客" in home
    assert db.session.scalars(select(AgreementTemplate)).one().version == 1
    assert db.session.scalar(select(func.count()).select_from(Tenancy).where(Tenancy.confirmed_by_landlord_at.is_not(None))) > 0
    assert db.session.scalar(select(func.count()).select_from(SweepVisit)) > 0
    assert db.session.scalars(select(ChangeRequest).where(ChangeRequest.source == "landlord")).one().payload["late_days"] == 2
