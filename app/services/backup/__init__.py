"""Backups: the database and the uploaded files in one archive, and back again.

``flask backup create`` writes ``anju-backup-YYYYmmdd-HHMMSS.tar`` with
- ``database.sqlite`` (SQLite's online backup API: a consistent copy while the app runs) or
  ``database.dump`` (``pg_dump --format=custom`` of PostgreSQL, consistent as one snapshot);
- ``files/…``: the folders of uploaded files under ``instance/`` (``BACKUP_FOLDERS``);
- ``manifest.json``: when, which database kind and schema revision, and every table's row
  count with a checksum of the key tables' rows, which ``restore`` checks afterwards.

``flask backup restore FILE`` puts both back (stop the web and job services first) and
verifies the counts and checksums. Point-in-time recovery with PostgreSQL's WAL archive
(docs/deploy.md) goes further back than the last archive; this is the simple, whole copy.
"""
from .archive import Restored, create, restore

__all__ = ["Restored", "create", "restore"]
