"""Importing a ledger of people: upload, map the columns, dry run, import.

The uploaded file is kept in ``instance/imports/`` under a random name, with a
``PeopleImport`` row saying whose it is and when it expires; the dry run and the import
read that same file with the same settings, so what was checked is what is imported.

The import applies registration's rules (``services.people``): the same identity number
anywhere is already registered (so importing a file twice imports nothing the second
time), a row without a number needs birth date and sex, dates are checked, the grid must
be one of the user's. It writes what registration writes — the person, an arrival, a
tenancy, a card, an audit row for each — in bulk: duplicate checks are one query per
batch of rows, inserts one ``COPY`` per table and batch (``services.bulk``). Everything is
one transaction: an import is written whole or not at all.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select, text, tuple_

from ..domain import ledger_columns as columns
from ..domain import ledger_values
from ..domain.clock import LOCAL, local_today, utcnow
from ..domain.ledger_file import Ledger, LedgerFileError, open_ledger
from ..domain.ledger_rows import Issue, Row, mark_repeats, read_row
from ..domain.masking import mask_id_number
from ..domain.text import Message, N_
from ..extensions import db
from ..models import (Area, AuditLog, Card, Dwelling, Landlord, Movement, PeopleImport, Person, Tenancy, User)
from . import audit, bulk, cards, scope
from .context import Actor
from .errors import NotFound, ValidationFailed
from .people import area_label

LIFETIME = dt.timedelta(hours=24)
BATCH = 2000
ISSUES_KEPT = 2000  # rows with issues kept with the dry run and the import (the dry run's download has all)


def _folder() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(job: PeopleImport) -> Path:
    return _folder() / f"{job.token}.bin"


def _read(job: PeopleImport) -> bytes:
    try:
        return _path(job).read_bytes()
    except FileNotFoundError:
        raise ValidationFailed({"file": N_("上传的文件已过期或已删除，请重新上传")}) from None


# --- upload, settings ------------------------------------------------------------------

def upload(actor: Actor, user: User, filename: str, data: bytes) -> PeopleImport:
    """Keep the file and guess sheet, header row, columns and grid; ``ValidationFailed``
    with a readable message for a file that is empty, too big or not a table."""
    purge_expired()
    try:
        ledger = open_ledger(data)
    except LedgerFileError as exc:
        raise ValidationFailed({"file": exc.message}) from None
    now = utcnow()
    job = PeopleImport(token=secrets.token_urlsafe(32), owner_id=user.id, filename=(filename or "")[-200:] or "-",
                       size=len(data), sha256=hashlib.sha256(data).hexdigest(), kind=ledger.kind,
                       created_at=now, expires_at=now + LIFETIME, status="uploaded")
    _guess(job, ledger, ledger.default_sheet() if ledger.kind != "csv" else None)
    grids = scope.grids(user)
    if len(grids) == 1:
        job.grid_id = grids[0].id
    path = _folder() / f"{job.token}.bin"
    path.write_bytes(data)
    os.chmod(path, 0o600)
    db.session.add(job)
    db.session.flush()
    audit.record(actor, "import.upload", "people_import", job.id, None,
                 {"filename": job.filename, "size": job.size, "sha256": job.sha256, "kind": job.kind})
    db.session.commit()
    return job


def _guess(job: PeopleImport, ledger: Ledger, sheet: str | None) -> None:
    rows = ledger.rows(sheet)
    job.sheet = sheet
    job.header_row = columns.find_header(rows)
    header = rows[job.header_row] if job.header_row is not None else []
    job.mapping = {str(i): key for i, key in columns.auto_mapping(header).items()}


def get(user: User, job_id: int) -> PeopleImport:
    """Only the owner sees an upload (it holds personal data the others may not see)."""
    job = db.session.get(PeopleImport, job_id) if isinstance(job_id, int) and 0 < job_id < 2**31 else None
    if job is None or job.owner_id != user.id:
        raise NotFound("people_import")
    return job


def recent(user: User, limit: int = 10) -> list[PeopleImport]:
    return list(db.session.scalars(select(PeopleImport).where(PeopleImport.owner_id == user.id)
                                   .order_by(PeopleImport.id.desc()).limit(limit)))


def earlier_import(job: PeopleImport) -> PeopleImport | None:
    """The same file, imported before (by anyone): worth saying before a second import."""
    return db.session.scalars(select(PeopleImport).where(
        PeopleImport.sha256 == job.sha256, PeopleImport.status == "imported", PeopleImport.id != job.id)
        .order_by(PeopleImport.id.desc())).first()


@dataclass
class Preview:
    ledger: Ledger
    rows: list[list]
    header: list
    width: int

    def sample(self, header_row: int | None, n: int = 5) -> list[list]:
        start = 0 if header_row is None else header_row + 1
        return [r for r in self.rows[start:start + 40] if any(ledger_values.text(c) for c in r)][:n]


def preview(job: PeopleImport) -> Preview:
    ledger = _open(job)
    rows = ledger.rows(job.sheet)
    header = rows[job.header_row] if job.header_row is not None and job.header_row < len(rows) else []
    width = max((len(r) for r in rows[:200]), default=0)
    return Preview(ledger, rows, header, width)


def _open(job: PeopleImport) -> Ledger:
    try:
        return open_ledger(_read(job))
    except LedgerFileError as exc:
        raise ValidationFailed({"file": exc.message}) from None


def configure(actor: Actor, user: User, job: PeopleImport, *, sheet: str | None, header_row: int | None,
              mapping: dict[int, str], grid_id: int | None) -> None:
    """Save what the user chose; a changed sheet guesses header and columns again."""
    _editable(job)
    ledger = _open(job)
    if sheet is not None and sheet in ledger.sheets and sheet != (job.sheet or ledger.default_sheet()) \
            and ledger.kind != "csv":
        _guess(job, ledger, sheet)
    else:
        rows = ledger.rows(job.sheet)
        if header_row is not None and 0 <= header_row < min(len(rows), columns.SCAN_ROWS):
            if header_row != job.header_row:
                job.header_row = header_row
                job.mapping = {str(i): k for i, k in columns.auto_mapping(rows[header_row]).items()}
            else:
                job.mapping = {str(i): k for i, k in mapping.items() if k in columns.BY_KEY}
    if grid_id:
        job.grid_id = scope.get_grid(user, grid_id).id  # NotFound outside scope
    else:
        job.grid_id = None
    job.status, job.summary, job.checked_at = "uploaded", None, None
    _checked_path(job).unlink(missing_ok=True)
    db.session.commit()


def _editable(job: PeopleImport) -> None:
    if job.status in ("imported", "discarded"):
        raise ValidationFailed({"file": N_("这个导入已经结束，请重新上传文件")})
    if job.expires_at < utcnow():
        raise ValidationFailed({"file": N_("上传的文件已过期或已删除，请重新上传")})


def discard(actor: Actor, user: User, job: PeopleImport) -> None:
    _remove_file(job)
    if job.status != "imported":
        job.status = "discarded"
    audit.record(actor, "import.discard", "people_import", job.id)
    db.session.commit()


def _remove_file(job: PeopleImport) -> None:
    for path in (_path(job), _checked_path(job)):
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def _checked_path(job: PeopleImport) -> Path:
    return _folder() / f"{job.token}.checked.json"


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete expired uploads' files (cheap: run on every upload)."""
    now = now or utcnow()
    jobs = db.session.scalars(select(PeopleImport).where(
        PeopleImport.expires_at < now, PeopleImport.status.in_(("uploaded", "checked")))).all()
    for job in jobs:
        _remove_file(job)
        job.status = "discarded"
    if jobs:
        db.session.commit()
    return len(jobs)


# --- dry run ---------------------------------------------------------------------------

@dataclass
class Analysis:
    rows: list[Row] = field(default_factory=list)  # every row that is not blank
    blank: int = 0
    header: list = field(default_factory=list)
    mapping: dict[int, str] = field(default_factory=dict)
    raw: dict[int, list] = field(default_factory=dict)  # line → the row's cells, for the errors file

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def ready(self) -> list[Row]:
        return [r for r in self.rows if r.status == "ready"]

    @property
    def with_issues(self) -> list[Row]:
        return [r for r in self.rows if r.errors or r.warnings]

    def summary(self) -> dict:
        issues = []
        for r in self.with_issues[:ISSUES_KEPT]:
            for kind, items in (("error", r.errors), ("warning", r.warnings)):
                for issue in items:
                    # Kept after the file is gone: the number masked, as the pages show it.
                    issues.append({"line": r.line, "status": r.status, "kind": kind, "field": issue.field,
                                   "name": r.values.get("name"),
                                   "id_number": mask_id_number(r.values.get("id_number")),
                                   "template": issue.message.template, "params": issue.message.params})
        return {"rows": len(self.rows), "blank": self.blank, "ready": self.count("ready"),
                "duplicate": self.count("duplicate"), "error": self.count("error"),
                "warned": sum(1 for r in self.rows if r.warnings and r.status == "ready"),
                "issues": issues, "more_issues": len(self.with_issues) > ISSUES_KEPT}


def analyse(user: User, job: PeopleImport, progress: Callable[[int], None] | None = None) -> Analysis:
    """Every row of the file checked as the import would check it; nothing written."""
    mapping = {int(i): k for i, k in (job.mapping or {}).items()}
    problems = columns.check_mapping(mapping)
    if job.header_row is None:
        problems.insert(0, Message(N_("没有找到表头行：请选择表头所在的行")))
    if problems:
        raise ValidationFailed({"mapping": problems[0]})
    rows = _open(job).rows(job.sheet)
    today = local_today()
    result = Analysis(header=list(rows[job.header_row]), mapping=mapping)
    for index in range(job.header_row + 1, len(rows)):
        cells = rows[index]
        row = read_row(index + 1, {key: cells[i] if i < len(cells) else None for i, key in mapping.items()}, today)
        if row.status == "blank":
            result.blank += 1
            continue
        result.rows.append(row)
        result.raw[row.line] = cells
    mark_repeats(result.rows)
    grids = _Grids(user, job.grid_id)
    for row in result.rows:
        grids.place(row)
    for start in range(0, len(result.rows), BATCH):
        batch = result.rows[start:start + BATCH]
        _check_registered(user, [r for r in batch if r.status == "ready"])
        if progress:
            progress(len(batch))
    return result


class _Grids:
    """The grid each row goes to: its grid column (code, or community and grid name, of
    one of the user's grids) or the grid chosen for the whole file."""

    def __init__(self, user: User, default_grid_id: int | None):
        self.grids = scope.grids(user)
        self.by_id = {g.id: g for g in self.grids}
        self.default = default_grid_id if default_grid_id in self.by_id else None
        self.names: dict[str, list[Area]] = {}
        for g in self.grids:
            for name in {g.code, g.label, g.label.replace(" ", ""), f"{g.parent.name if g.parent else ''}{g.name}"}:
                self.names.setdefault(ledger_values.compact(name).upper(), []).append(g)
        if len(self.grids) == 1:
            self.names.setdefault(ledger_values.compact(self.grids[0].name).upper(), []).append(self.grids[0])

    def place(self, row: Row) -> None:
        given = ledger_values.compact(row.values.get("grid")).upper()
        if not given:
            if self.default is None:
                row.error("grid", N_("未指定网格：请在页面上选择网格，或在表中加“网格”列"))
            row.values["grid_id"] = self.default
            return
        found = {g.id for g in self.names.get(given, [])}
        if len(found) != 1:
            # Unknown and outside the user's scope read the same: existence is not leaked.
            row.error("grid", Message(N_("网格“%(grid)s”不存在或不在您的管辖范围"), grid=row.values["grid"][:30]))
            row.values["grid_id"] = None
            return
        row.values["grid_id"] = found.pop()


def _check_registered(user: User, rows: list[Row]) -> None:
    """Against the database, one query per kind for the whole batch: a registered
    identity number is a duplicate; for rows without one, so is the same name and birth
    date; for rows with one, a namesake born the same day is a warning."""
    numbers = [r.values["id_number"] for r in rows if r.values.get("id_number")]
    pairs = list({(r.values["name"], r.values["birth_date"]) for r in rows if r.values.get("birth_date")})
    registered = {}
    if numbers:
        registered = {n: (g, s) for n, g, s in db.session.execute(
            select(Person.id_number, Person.grid_id, Person.status).where(bulk.any_of(Person.id_number, numbers)))}
    namesakes: dict[tuple, list[tuple]] = {}
    for name, born, number, grid_id in _same_name_and_birth(pairs):
        namesakes.setdefault((name, born), []).append((number, grid_id))
    in_scope = scope.grid_ids(user)
    visible = None if in_scope is None else set(in_scope)
    labels = _AreaLabels()
    for row in rows:
        v = row.values
        if v.get("id_number") in registered:
            grid_id, status = registered[v["id_number"]]
            where = labels.of(grid_id, visible)
            message = N_("已登记（%(area)s，已注销）") if status == "left" else N_("已登记（%(area)s）")
            row.error("id_number", Message(message, area=where), status="duplicate")
            continue
        same = namesakes.get((v.get("name"), v.get("birth_date")), [])
        if not same:
            continue
        where = labels.of(same[0][1], visible)
        if not v.get("id_number"):
            row.error("name", Message(N_("同名同出生日期的人员已登记（%(area)s）"), area=where), status="duplicate")
        elif any(number != v["id_number"] for number, _ in same):
            row.warn("name", Message(N_("同名同出生日期的人员已登记（%(area)s），请核实不是同一人"), area=where))


def _existing_dwellings(wanted: list[tuple[int, str]]) -> dict[tuple, int]:
    """(grid, address) → the newest dwelling of that grid with that address. On
    PostgreSQL the pairs are joined as two arrays: a list of grids and a list of
    addresses would probe every combination (168 grids × 2,000 addresses)."""
    if db.session.get_bind().dialect.name == "postgresql":
        rows = db.session.execute(text(
            "SELECT d.id, d.grid_id, d.address FROM dwelling d "
            "JOIN unnest(CAST(:grids AS integer[]), CAST(:addresses AS text[])) AS v(grid_id, address) "
            "ON d.grid_id = v.grid_id AND d.address = v.address ORDER BY d.id DESC"),
            {"grids": [g for g, _ in wanted], "addresses": [a for _, a in wanted]}).all()
    else:
        rows = db.session.execute(select(Dwelling.id, Dwelling.grid_id, Dwelling.address)
                                  .where(tuple_(Dwelling.grid_id, Dwelling.address).in_(wanted))
                                  .order_by(Dwelling.id.desc())).all()
    found: dict[tuple, int] = {}
    for key, grid_id, address in rows:
        found.setdefault((grid_id, address), key)
    return found


def _same_name_and_birth(pairs: list[tuple]) -> list[tuple]:
    """People with one of the (name, birth date) pairs. On PostgreSQL the pairs travel
    as two arrays joined to the table (one index probe each); a list of row values
    would be thousands of parameters and a slower plan."""
    if not pairs:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        return db.session.execute(text(
            "SELECT p.name, p.birth_date, p.id_number, p.grid_id FROM person p "
            "JOIN unnest(CAST(:names AS text[]), CAST(:births AS date[])) AS v(name, birth) "
            "ON p.name = v.name AND p.birth_date = v.birth"),
            {"names": [n for n, _ in pairs], "births": [b for _, b in pairs]}).all()
    return db.session.execute(select(Person.name, Person.birth_date, Person.id_number, Person.grid_id)
                              .where(tuple_(Person.name, Person.birth_date).in_(pairs))).all()


class _AreaLabels:
    """Where a record is, as registration says it: the grid in scope, else only the
    township and community (no grid, nothing about the person)."""

    def __init__(self):
        self.cache: dict[int, Area] = {}

    def of(self, grid_id: int, visible: set[int] | None) -> str:
        if grid_id not in self.cache:
            self.cache[grid_id] = db.session.get(Area, grid_id)
        grid = self.cache[grid_id]
        if visible is None or grid_id in visible:
            return grid.label if grid else ""
        return area_label(grid)


def check(actor: Actor, user: User, job: PeopleImport) -> Analysis:
    """The dry run. Its summary is kept with the upload for the page; its rows are kept
    beside the file, so that the import writes exactly the rows that were checked."""
    _editable(job)
    result = analyse(user, job)
    job.summary, job.status, job.checked_at = result.summary(), "checked", utcnow()
    _save_checked(job, result)
    db.session.commit()
    return result


DATE_VALUES = ("birth_date", "arrived_on", "collected_at")


def _issues(items) -> list:
    return [[i.field, i.message.template, i.message.params] for i in items]


def _save_checked(job: PeopleImport, result: Analysis) -> None:
    rows = [[r.line, r.status, {k: (v.isoformat() if k in DATE_VALUES and v else v) for k, v in r.values.items()}
             if r.status == "ready" else {"name": r.values.get("name"), "id_number": r.values.get("id_number")},
             _issues(r.errors), _issues(r.warnings)] for r in result.rows]
    data = {"settings": _settings_key(job), "blank": result.blank, "header": [str(h) for h in result.header],
            "rows": rows}
    path = _checked_path(job)
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    os.chmod(path, 0o600)


def _settings_key(job: PeopleImport) -> list:
    return [job.sha256, job.sheet, job.header_row, job.mapping, job.grid_id]


def _load_checked(job: PeopleImport) -> Analysis | None:
    """The dry run's rows, if they were checked with the job's current settings."""
    try:
        data = json.loads(_checked_path(job).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if data.get("settings") != json.loads(json.dumps(_settings_key(job), default=str)):
        return None
    result = Analysis(blank=data["blank"], header=data["header"])
    for line, status, values, errors, warnings in data["rows"]:
        for key in DATE_VALUES:
            if values.get(key):
                values[key] = dt.date.fromisoformat(values[key])
        row = Row(line, values, status=status)
        row.errors = [Issue(f, Message(t, **p)) for f, t, p in errors]
        row.warnings = [Issue(f, Message(t, **p)) for f, t, p in warnings]
        result.rows.append(row)
    return result


# --- import ----------------------------------------------------------------------------

def run(actor: Actor, user: User, job: PeopleImport, progress: Callable[[int], None] | None = None,
        analysis: Analysis | None = None) -> Analysis:
    """Import the rows that are ready: those of the dry run (``analysis``, or the rows
    ``check`` kept), checked against the database again in this transaction, so that a
    person registered since is a duplicate, not a clash. Without a dry run the file is
    checked first."""
    _editable(job)
    result = analysis or _load_checked(job)
    if result is None:
        result = analyse(user, job)
    else:  # checked before: only the database may have changed since
        for start in range(0, len(result.rows), BATCH):
            _check_registered(user, [r for r in result.rows[start:start + BATCH] if r.status == "ready"])
    writer = _Writer(actor, job)
    ready = result.ready
    try:
        for start in range(0, len(ready), BATCH):
            batch = ready[start:start + BATCH]
            writer.write(batch)
            if progress:
                progress(len(batch))
        summary = result.summary()
        summary.update(imported=len(ready), dwellings=writer.dwellings, landlords=writer.landlords)
        job.summary, job.status, job.imported, job.imported_at = summary, "imported", len(ready), utcnow()
        audit.record(actor, "import.run", "people_import", job.id, None,
                     {k: summary[k] for k in ("rows", "ready", "duplicate", "error", "imported", "dwellings")})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    _remove_file(job)
    return result


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()).replace(tzinfo=LOCAL).astimezone(dt.timezone.utc).replace(tzinfo=None)


PERSON_COLUMNS = ("id_number", "name", "sex", "birth_date", "ethnicity", "phone", "hukou_area_code", "hukou_address",
                  "marital_status", "education", "occupation", "reason_for_coming", "arrived_on", "expected_stay",
                  "employer")


class _Writer:
    """Writes batches of ready rows as registration would, set-based."""

    def __init__(self, actor: Actor, job: PeopleImport):
        self.actor, self.job = actor, job
        self.now = utcnow()
        self.today = local_today()
        self.dwellings = self.landlords = 0

    def write(self, rows: list[Row]) -> None:
        dwelling_ids = self._dwellings(rows)
        people = []
        for row in rows:
            v = row.values
            person = {k: v.get(k) for k in PERSON_COLUMNS}
            person.update(status="present", left_on=None, grid_id=v["grid_id"],
                          dwelling_id=dwelling_ids.get((v["grid_id"], v.get("address"))), room=v.get("room"),
                          collected_at=_utc_midnight(v["collected_at"]) if v.get("collected_at") else self.now,
                          entered_at=self.now, created_by_id=self.actor.user_id, updated_at=self.now, version=1,
                          import_id=self.job.id)
            people.append(person)
        ids = bulk.write_with_ids(Person.__table__, people)
        moves, tenancies, logs = [], [], []
        for person in people:
            arrived = person["arrived_on"] or self.today
            moves.append({"person_id": person["id"], "kind": "arrive", "on_date": arrived,
                          "to_dwelling_id": person["dwelling_id"], "to_grid_id": person["grid_id"],
                          "note": "台账导入", "recorded_by_id": self.actor.user_id, "recorded_at": self.now})
            if person["dwelling_id"]:
                tenancies.append({"person_id": person["id"], "dwelling_id": person["dwelling_id"],
                                  "room": person["room"], "start_on": arrived})
            # What registration records, without the empty fields (a quarter of the audit's size).
            logs.append(audit.row(self.actor, "person.register", "person", person["id"],
                                  {k: val for k, val in person.items() if val is not None and k != "updated_at"},
                                  self.now))
        bulk.write(Movement.__table__, moves)
        bulk.write(Tenancy.__table__, tenancies)
        card_rows = cards.issue_many(self.actor, ids, self.now)
        bulk.write_with_ids(Card.__table__, card_rows)
        logs += [audit.row(self.actor, "card.issue", "card", c["id"], {"person_id": c["person_id"]}, self.now)
                 for c in card_rows]
        bulk.write(AuditLog.__table__, logs)

    def _dwellings(self, rows: list[Row]) -> dict[tuple, int]:
        """(grid, address) → dwelling: the grid's dwelling with that address, or a new one
        (with its landlord, found by phone or new)."""
        wanted = {(r.values["grid_id"], r.values["address"]) for r in rows if r.values.get("address")}
        if not wanted:
            return {}
        found = _existing_dwellings(sorted(wanted))
        missing = sorted(wanted - set(found), key=lambda k: (k[0], k[1]))
        if not missing:
            return found
        landlords = self._landlords(rows)
        first_landlord = {}
        for r in rows:
            key = (r.values["grid_id"], r.values.get("address"))
            if r.values.get("landlord_phone") and key not in first_landlord:
                first_landlord[key] = landlords.get(r.values["landlord_phone"])
        new = [{"grid_id": g, "address": a, "kind": "rental", "rooms": None, "landlord_id": first_landlord.get((g, a)),
                "created_at": self.now, "created_by_id": self.actor.user_id, "version": 1} for g, a in missing]
        bulk.write_with_ids(Dwelling.__table__, new)
        bulk.write(AuditLog.__table__, [audit.row(self.actor, "dwelling.create", "dwelling", d["id"],
                                                  {k: v for k, v in d.items() if k != "created_at"}, self.now)
                                        for d in new])
        self.dwellings += len(new)
        found.update({(d["grid_id"], d["address"]): d["id"] for d in new})
        return found

    def _landlords(self, rows: list[Row]) -> dict[str, int]:
        named = {}
        for r in rows:
            if r.values.get("landlord_phone") and r.values.get("landlord_name"):
                named.setdefault(r.values["landlord_phone"], r.values["landlord_name"])
        if not named:
            return {}
        found = dict(db.session.execute(select(Landlord.phone, Landlord.id).where(bulk.any_of(Landlord.phone, list(named)))).all())
        new = [{"name": name, "phone": phone, "id_number": None, "created_at": self.now}
               for phone, name in sorted(named.items()) if phone not in found]
        bulk.write_with_ids(Landlord.__table__, new)
        bulk.write(AuditLog.__table__, [audit.row(self.actor, "landlord.create", "landlord", l["id"],
                                                  {"name": l["name"], "phone": l["phone"]}, self.now) for l in new])
        self.landlords += len(new)
        found.update({l["phone"]: l["id"] for l in new})
        return found
