"""Backups: create, wipe, restore, and the same rows and files come back (row counts of every
table, checksums of the key tables), on SQLite and PostgreSQL."""
from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import AuditLog, Person
from app.services import backup
from app.services.backup import checksums
from app.services.cards import issuing as cards
from app.services.common.context import Actor

from tests.conftest import _clean


@pytest.fixture
def uploads(app):
    """An uploads folder of this test's own under instance/ (the real ``imports`` folder may be
    in use by another test run), kept by the backups in place of ``imports``."""
    import os
    import shutil

    name = f"backup-test-{os.getpid()}"
    folder = Path(app.instance_path) / name
    previous = app.config["BACKUP_FOLDERS"]
    app.config["BACKUP_FOLDERS"] = (name,)
    yield folder
    app.config["BACKUP_FOLDERS"] = previous
    shutil.rmtree(folder, ignore_errors=True)


def _state():
    with db.engine.connect() as conn:
        return checksums.summary(conn)


def test_backup_wipe_restore_brings_back_the_same_rows_and_files(app, world, uploads, tmp_path):
    people = [world.person(f"人{i}", seq=i + 1, phone=f"1380000{i:04d}") for i in range(5)]
    cards._new(Actor.cli(), people[0])
    db.session.add(AuditLog(actor="cli", action="test.write", entity="person", entity_id=people[1].id))
    db.session.commit()
    (uploads / "sub").mkdir(parents=True, exist_ok=True)
    (uploads / "ledger.xlsx").write_bytes(b"PK\x03\x04 ledger bytes")
    (uploads / "sub" / "other.csv").write_text("身份证号,姓名\n", encoding="utf-8")
    before = _state()

    runner = app.test_cli_runner()
    made = runner.invoke(args=["backup", "create", "--output", str(tmp_path)])
    assert made.exit_code == 0, made.output
    archive = next(tmp_path.glob("anju-backup-*.tar"))
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert {"manifest.json", f"files/{uploads.name}/ledger.xlsx", f"files/{uploads.name}/sub/other.csv"} <= set(names)
    assert manifest["rows"]["person"] == 5 and manifest["checksums"]["person"] == before["checksums"]["person"]
    with db.engine.connect() as conn:
        assert manifest["revision"] == conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    # Disaster: every row gone, the files too, and a later change that the backup predates.
    _clean()
    import shutil
    shutil.rmtree(uploads)
    assert db.session.scalar(text("SELECT count(*) FROM person")) == 0

    restored = runner.invoke(args=["backup", "restore", str(archive), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "Restored and verified" in restored.output
    after = _state()
    without_log = lambda d: {t: v for t, v in d.items() if t != "audit_log"}  # noqa: E731
    assert without_log(after["checksums"]) == without_log(before["checksums"])
    assert without_log(after["rows"]) == without_log(before["rows"])
    # The audit log has what it had when copied, and the restore's own entry.
    assert after["rows"]["audit_log"] == before["rows"]["audit_log"] + 1
    assert (uploads / "ledger.xlsx").read_bytes() == b"PK\x03\x04 ledger bytes"
    assert (uploads / "sub" / "other.csv").read_text(encoding="utf-8") == "身份证号,姓名\n"
    assert db.session.scalar(text("SELECT count(*) FROM person")) == 5
    assert {p.name for p in db.session.scalars(db.select(Person))} == {f"人{i}" for i in range(5)}
    actions = [a for a in db.session.scalars(db.select(AuditLog.action).order_by(AuditLog.id))]
    assert actions[-1] == "backup.restore"


def test_a_restore_that_does_not_match_says_which_tables(app, world, tmp_path, monkeypatch):
    world.person("甲", seq=1)
    manifest = backup.create(tmp_path)
    real = checksums.summary

    def damaged(conn):
        out = real(conn)
        out["checksums"]["person"] = "0" * 64
        return out
    monkeypatch.setattr(checksums, "summary", damaged)
    result = app.test_cli_runner().invoke(args=["backup", "restore", manifest["path"], "--yes"])
    assert result.exit_code != 0 and "person" in result.output


def test_a_backup_of_the_other_database_kind_is_refused(app, world, tmp_path):
    world.person("甲", seq=1)
    manifest = backup.create(tmp_path)
    other = "postgresql" if db.engine.dialect.name == "sqlite" else "sqlite"
    archive = Path(manifest["path"])
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    data = json.loads(members["manifest.json"])
    data["database"] = other
    members["manifest.json"] = json.dumps(data).encode()
    import io
    with tarfile.open(archive, "w") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(archive), "--yes"])
    assert result.exit_code != 0 and "cannot be restored" in result.output
    assert db.session.scalar(text("SELECT count(*) FROM person")) == 1  # nothing touched
