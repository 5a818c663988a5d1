"""The backup archive: a tar of the database copy, the uploaded files and a manifest."""
from __future__ import annotations

import io
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import text

from ...domain.clock import utcnow
from ...extensions import db
from ..common import audit
from ..common.context import Actor
from . import checksums, database

FORMAT = 1


def _folders() -> dict[str, Path]:
    """The uploaded files' folders to keep, by their name under ``instance/``."""
    names = current_app.config.get("BACKUP_FOLDERS", ("imports",))
    return {name: Path(current_app.instance_path) / name for name in names}


def _revision(conn) -> str | None:
    try:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 - an empty database
        return None


def create(target: Path, actor: Actor | None = None) -> dict:
    """Write the archive to ``target`` (a folder: a dated name in it); returns its manifest
    (with ``path``)."""
    engine = db.engine
    now = utcnow()
    if target.is_dir():
        target = target / f"anju-backup-{now:%Y%m%d-%H%M%S}.tar"
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as tmp:
        work = Path(tmp)

        def measure(conn):
            return {"revision": _revision(conn), **checksums.summary(conn)}
        measured = database.dump(engine, work / database.file_name(engine), measure)
        manifest = {"format": FORMAT, "created_at": now.isoformat() + "Z", "database": engine.dialect.name,
                    **measured, "folders": {}}
        with tarfile.open(work / "archive.tar", "w") as tar:
            tar.add(work / database.file_name(engine), arcname=database.file_name(engine))
            for name, folder in _folders().items():
                files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
                manifest["folders"][name] = len(files)
                for path in files:
                    tar.add(path, arcname=f"files/{name}/{path.relative_to(folder).as_posix()}")
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(now.timestamp())
            tar.addfile(info, io.BytesIO(data))
        (work / "archive.tar").replace(target)
    target.chmod(0o600)  # personal data: the operator's eyes only
    audit.record(actor or Actor.cli(), "backup.create", "backup", None, None,
                 {"file": target.name, "rows": sum(manifest["rows"].values())})
    db.session.commit()
    return {**manifest, "path": str(target)}


@dataclass
class Restored:
    manifest: dict
    rows: dict[str, int]
    mismatched: list[str]  # tables whose count or checksum differs from the manifest's

    @property
    def verified(self) -> bool:
        return not self.mismatched


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def restore(archive: Path, actor: Actor | None = None) -> Restored:
    """Replace the database and the uploaded files with the archive's, then check them."""
    engine = db.engine
    manifest = read_manifest(archive)
    if manifest.get("format") != FORMAT:
        raise ValueError(f"not an Anju backup of format {FORMAT}")
    if manifest["database"] != engine.dialect.name:
        raise ValueError(f"a {manifest['database']} backup cannot be restored into {engine.dialect.name}")
    db.session.remove()
    with tempfile.TemporaryDirectory(prefix="anju-restore-") as tmp:
        work = Path(tmp)
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")  # no absolute paths, links or devices
        database.load(engine, work / database.file_name(engine))
        for name, folder in _folders().items():
            if folder.exists():
                shutil.rmtree(folder)
            saved = work / "files" / name
            if saved.is_dir():
                shutil.copytree(saved, folder)
            elif name in manifest["folders"]:
                folder.mkdir(parents=True, exist_ok=True)
    with engine.connect() as conn:
        now = checksums.summary(conn)
    mismatched = sorted({t for t, n in manifest["rows"].items() if now["rows"].get(t) != n}
                        | {t for t, c in manifest["checksums"].items() if now["checksums"].get(t) != c})
    audit.record(actor or Actor.cli(), "backup.restore", "backup", None, None,
                 {"file": archive.name, "created_at": manifest["created_at"], "verified": not mismatched})
    db.session.commit()
    return Restored(manifest, now["rows"], mismatched)
