"""Importing a ledger: upload, map the columns, dry run, import. The engine serves every
kind of ledger (``KINDS``: a people ledger here, an outflow ledger in
``services.outflow.ledger_import``); what follows describes the people ledger, whose
columns, checks and writer are this module's own.

The uploaded file is kept in ``instance/imports/`` under a random name, with a
``PeopleImport`` row saying whose it is and when it expires; the dry run and the import
read that same file with the same settings, so what was checked is what is imported.

The import applies registration's rules (``services.registry.people``): the same identity number
anywhere is already registered (so importing a file twice imports nothing the second
time), a row without a number needs birth date and sex, dates are checked, the grid must
be one of the user's. The rows are written by registration's own function
(``services.registry.registration.write``: the person, an arrival, a tenancy, a card,
an audit row naming the card, this month's services) in batches: duplicate checks are one query
per batch of rows, inserts one ``COPY`` per table and batch. Everything is one
transaction: an import is written whole or not at all.
"""
from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import os
import secrets
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select, text, tuple_
from sqlalchemy.orm import joinedload

from ...domain import ledger_columns as columns
from ...domain import ledger_values
from ...domain.clock import LOCAL, local_today, utcnow
from ...domain.ledger_file import Ledger, LedgerFileError, open_ledger
from ...domain.ledger_rows import Issue, Row, mark_repeats, read_row
from ...domain.masking import mask_id_number
from ...domain.text import N_, Message
from ...extensions import db
from ...models import Area, AreaLevel, AuditLog, Dwelling, Landlord, PeopleImport, Person, User
from .. import scope
from ..common import audit, bulk
from ..common.context import Actor
from ..common.errors import NotFound, ValidationFailed
from . import registration
from .people import area_label, grid_path

@dataclass(frozen=True)
class LedgerKind:
    """What differs between the ledgers this engine imports (people, outflow): their
    columns, how a row is read, how rows are checked against the database, how ready
    rows are written. Upload, the file guard, the mapping, the dry run and the job are
    the same for all."""
    name: str
    columns: columns.Columns
    read_row: Callable  # (line, cells, today, formulas) -> Row
    check_rows: Callable  # (user, rows) -> None: marks duplicates, warns, in one batch
    writer: Callable  # (actor, job) -> an object with write(rows) and extras() -> dict
    date_values: tuple[str, ...]
    page: str  # the endpoint of one upload's page (the job's result links there)


KINDS: dict[str, LedgerKind] = {}


def kind_of(job: PeopleImport) -> LedgerKind:
    return KINDS[job.ledger or "people"]


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

def upload(actor: Actor, user: User, filename: str, data: bytes, ledger: str = "people") -> PeopleImport:
    """Keep the file and guess sheet, header row, columns and grid; ``ValidationFailed``
    with a readable message for a file that is empty, too big or not a table."""
    purge_expired()
    kind = KINDS[ledger]
    try:
        book = open_ledger(data)
    except LedgerFileError as exc:
        raise ValidationFailed({"file": exc.message}) from None
    now = utcnow()
    job = PeopleImport(token=secrets.token_urlsafe(32), owner_id=user.id, filename=(filename or "")[-200:] or "-",
                       size=len(data), sha256=hashlib.sha256(data).hexdigest(), kind=book.kind,
                       created_at=now, expires_at=now + LIFETIME, status="uploaded", ledger=kind.name)
    _guess(job, book, book.default_sheet() if book.kind != "csv" else None)
    grids = scope.grids(user)
    if len(grids) == 1:
        job.grid_id = grids[0].id
    path = _folder() / f"{job.token}.bin"
    path.write_bytes(data)
    os.chmod(path, 0o600)
    db.session.add(job)
    db.session.flush()
    audit.record(actor, "import.upload", "people_import", job.id, None,
                 {"filename": job.filename, "size": job.size, "sha256": job.sha256, "kind": job.kind,
                  "ledger": job.ledger})
    db.session.commit()
    return job


def _guess(job: PeopleImport, ledger: Ledger, sheet: str | None) -> None:
    fields = kind_of(job).columns
    rows = ledger.rows(sheet, limit=columns.SCAN_ROWS)
    job.sheet = sheet
    job.header_row = fields.find_header(rows)
    header = rows[job.header_row] if job.header_row is not None else []
    job.mapping = {str(i): key for i, key in fields.auto_mapping(header).items()}


def get(user: User, job_id: int, ledger: str = "people") -> PeopleImport:
    """Only the owner sees an upload (it holds personal data the others may not see),
    on the pages of its own kind of ledger."""
    job = db.session.get(PeopleImport, job_id) if isinstance(job_id, int) and 0 < job_id < 2**31 else None
    if job is None or job.owner_id != user.id or job.ledger != ledger:
        raise NotFound("people_import")
    return job


def recent(user: User, limit: int = 10, ledger: str = "people") -> list[PeopleImport]:
    return list(db.session.scalars(select(PeopleImport).where(PeopleImport.owner_id == user.id,
                                                              PeopleImport.ledger == ledger)
                                   .order_by(PeopleImport.id.desc()).limit(limit)))


def earlier_import(job: PeopleImport) -> PeopleImport | None:
    """The same file, imported before (by anyone): worth saying before a second import."""
    return db.session.scalars(select(PeopleImport).where(
        PeopleImport.sha256 == job.sha256, PeopleImport.status == "imported", PeopleImport.id != job.id,
        PeopleImport.ledger == job.ledger)
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


PREVIEW_ROWS = 250  # what the settings page looks at: the header, a sample, the widths


def preview(job: PeopleImport) -> Preview:
    """The top of the file, for the settings page (a large file is read whole only by the
    dry run and the import, in the background)."""
    ledger = _open(job)
    rows = ledger.rows(job.sheet, limit=PREVIEW_ROWS)
    header = rows[job.header_row] if job.header_row is not None and job.header_row < len(rows) else []
    width = max((len(r) for r in rows[:200]), default=0)
    return Preview(ledger, rows, header, width)


def sheet_names(job: PeopleImport) -> list[str]:
    return _open(job).sheets


def _open(job: PeopleImport) -> Ledger:
    try:
        return open_ledger(_read(job))
    except LedgerFileError as exc:
        raise ValidationFailed({"file": exc.message}) from None


def configure(actor: Actor, user: User, job: PeopleImport, *, sheet: str | None, header_row: int | None,
              mapping: dict[int, str], grid_id: int | None) -> None:
    """Save what the user chose; a changed sheet guesses header and columns again."""
    _editable(job)
    fields = kind_of(job).columns
    ledger = _open(job)
    if sheet is not None and sheet in ledger.sheets and sheet != (job.sheet or ledger.default_sheet()) \
            and ledger.kind != "csv":
        _guess(job, ledger, sheet)
    else:
        rows = ledger.rows(job.sheet, limit=columns.SCAN_ROWS)
        if header_row is not None and 0 <= header_row < min(len(rows), columns.SCAN_ROWS):
            if header_row != job.header_row:
                job.header_row = header_row
                job.mapping = {str(i): k for i, k in fields.auto_mapping(rows[header_row]).items()}
            else:
                job.mapping = {str(i): k for i, k in mapping.items() if k in fields.by_key}
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
                "duplicate": self.count("duplicate"), "repeat": self.count("repeat"), "error": self.count("error"),
                "warned": sum(1 for r in self.rows if r.warnings and r.status == "ready"),
                "linked": sum(1 for r in self.rows if r.status == "ready" and r.values.get("linked")),
                "issues": issues, "more_issues": len(self.with_issues) > ISSUES_KEPT}


def ready_to_check(job: PeopleImport) -> None:
    """Refuse a dry run that cannot work (a finished upload, no header, a column missing)
    before it is started; ``ValidationFailed`` says what to change."""
    _editable(job)
    mapping = {int(i): k for i, k in (job.mapping or {}).items()}
    problems = kind_of(job).columns.check_mapping(mapping)
    if job.header_row is None:
        ledger = _open(job)
        others = [name for name in ledger.sheets if name != (job.sheet or ledger.default_sheet())]
        problems.insert(0, Message(N_("工作表“%(sheet)s”里没有找到表头行：请选择表头所在的行，或换一个工作表（%(others)s）"),
                                   sheet=job.sheet or ledger.sheets[0], others="、".join(others[:10]))
                        if others and ledger.kind != "csv" else Message(N_("没有找到表头行：请选择表头所在的行")))
    if problems:
        raise ValidationFailed({"mapping": problems[0]})


@contextmanager
def _many_rows():
    """A ledger's rows are millions of small objects (rows, their values, messages) that
    live until the dry run or the import ends and make no reference cycles. Python's
    cycle collector would walk all of them again every few thousand new objects (three
    quarters of the time of reading 100,000 kept rows back, a quarter of a dry run): it
    is paused meanwhile, and collects what the pause left at its next run."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_many_rows()
def analyse(user: User, job: PeopleImport, progress: Callable[[int], None] | None = None,
            on_rows: Callable[[int], None] | None = None) -> Analysis:
    """Every row of the file checked as the import would check it; nothing written.
    ``on_rows`` hears how many rows there are once the file is read, ``progress`` each
    batch of rows checked against the database."""
    ready_to_check(job)
    kind = kind_of(job)
    mapping = {int(i): k for i, k in (job.mapping or {}).items()}
    ledger = _open(job)
    rows = ledger.rows(job.sheet)
    formulas: dict[int, dict[str, bool]] = {}
    for (r, c), cached in ledger.formulas(job.sheet).items():
        if c in mapping:
            formulas.setdefault(r, {})[mapping[c]] = cached
    today = local_today()
    result = Analysis(header=list(rows[job.header_row]), mapping=mapping)
    for index in range(job.header_row + 1, len(rows)):
        cells = rows[index]
        row = kind.read_row(index + 1, {key: cells[i] if i < len(cells) else None for i, key in mapping.items()},
                            today, formulas.get(index))
        if row.status == "blank":
            result.blank += 1
            continue
        result.rows.append(row)
        result.raw[row.line] = cells
    mark_repeats(result.rows)
    if on_rows:
        on_rows(len(result.rows))
    grids = _Grids(user, job.grid_id)
    for row in result.rows:
        grids.place(row)
    for start in range(0, len(result.rows), BATCH):
        batch = result.rows[start:start + BATCH]
        kind.check_rows(user, [r for r in batch if r.status == "ready"])
        if progress:
            progress(len(batch))
    return result


class _Grids:
    """The grid each row goes to: its grid column (the grid's code, its full path
    “街道 社区 网格”, or “社区 网格” where no other grid of the deployment has that name)
    if it is one of the user's grids, or the grid chosen for the whole file.

    Names are matched against every grid of the deployment, not only the user's: a
    community name two townships share (“文一1社区 第1网格”) must not land in the user's
    township because the other one is out of sight."""

    def __init__(self, user: User, default_grid_id: int | None):
        mine = scope.grids(user)
        self.mine = {g.id for g in mine}
        self.default = default_grid_id if default_grid_id in self.mine else None
        every = db.session.scalars(select(Area).where(Area.level == AreaLevel.GRID.value)
                                   .options(joinedload(Area.parent).joinedload(Area.parent))).all()
        self.names: dict[str, list[Area]] = {}
        for g in every:
            for name in {g.code, grid_path(g), g.path_label, g.label, f"{g.parent.name if g.parent else ''}{g.name}"}:
                self.names.setdefault(ledger_values.compact(name).upper(), []).append(g)
        if len(mine) == 1:  # the user's only grid may be named by its own name
            self.names.setdefault(ledger_values.compact(mine[0].name).upper(), []).append(mine[0])

    def place(self, row: Row) -> None:
        given = ledger_values.compact(row.values.get("grid")).upper()
        row.values["grid_id"] = None
        if not given:
            if self.default is None:
                row.error("grid", N_("未指定网格：请在页面上选择网格，或在表中加“网格”列"))
            row.values["grid_id"] = self.default
            return
        found = {g.id: g for g in self.names.get(given, [])}
        if len(found) > 1:
            paths = "、".join(sorted(grid_path(g) for g in found.values())[:5])
            row.error("grid", Message(N_("网格“%(grid)s”有重名（%(paths)s）：请写网格编码或“街道 社区 网格”"),
                                      grid=row.values["grid"][:30], paths=paths))
        elif len(found) == 1 and next(iter(found)) in self.mine:
            row.values["grid_id"] = next(iter(found))
        else:  # unknown and outside the user's scope read the same: existence is not leaked
            row.error("grid", Message(N_("网格“%(grid)s”不存在或不在您的管辖范围"), grid=row.values["grid"][:30]))


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
    labels = AreaLabels()
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


class AreaLabels:
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


@_many_rows()
def check(actor: Actor, user: User, job: PeopleImport, *, progress: Callable[[int], None] | None = None,
          on_rows: Callable[[int], None] | None = None) -> Analysis:
    """The dry run. Its summary is kept with the upload for the page; its rows are kept
    beside the file, so that the import writes exactly the rows that were checked."""
    _editable(job)
    result = analyse(user, job, progress=progress, on_rows=on_rows)
    job.summary, job.status, job.checked_at = result.summary(), "checked", utcnow()
    _save_checked(job, result)
    db.session.commit()
    return result


DATE_VALUES = ("birth_date", "arrived_on", "collected_at")


def _issues(items) -> list:
    return [[i.field, i.message.template, i.message.params] for i in items]


# The kept rows: a ready row's values as a list in the order of "keys" (the names written
# once, not on every row: a third of the size, read and written three times faster), other
# rows only their name and number. Dates are ISO text (``str`` of a date).
CHECKED_FORMAT = 2


def _save_checked(job: PeopleImport, result: Analysis) -> None:
    keys = list(dict.fromkeys(k for r in result.rows if r.status == "ready" for k in r.values))
    rows = [[r.line, r.status, list(map(r.values.get, keys)) if r.status == "ready"
             else [r.values.get("name"), r.values.get("id_number")], _issues(r.errors), _issues(r.warnings)]
            for r in result.rows]
    data = {"format": CHECKED_FORMAT, "settings": _settings_key(job), "blank": result.blank,
            "header": [str(h) for h in result.header], "keys": keys, "rows": rows}
    path = _checked_path(job)
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    os.chmod(path, 0o600)


def _settings_key(job: PeopleImport) -> list:
    return [job.sha256, job.sheet, job.header_row, job.mapping, job.grid_id]


def _load_checked(job: PeopleImport) -> Analysis | None:
    """The dry run's rows, if they were checked with the job's current settings (and kept
    in this version's form: else the import checks the file again)."""
    try:
        data = json.loads(_checked_path(job).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if data.get("format") != CHECKED_FORMAT or \
            data.get("settings") != json.loads(json.dumps(_settings_key(job), default=str)):
        return None
    result = Analysis(blank=data["blank"], header=data["header"])
    keys = data["keys"]
    dates = [k for k in kind_of(job).date_values if k in keys]
    for line, status, values, errors, warnings in data["rows"]:
        values = dict(zip(keys, values)) if status == "ready" else {"name": values[0], "id_number": values[1]}
        for key in dates:
            if values.get(key):
                values[key] = dt.date.fromisoformat(values[key])
        row = Row(line, values, status=status)
        if errors:
            row.errors = [Issue(f, Message(t, **p)) for f, t, p in errors]
        if warnings:
            row.warnings = [Issue(f, Message(t, **p)) for f, t, p in warnings]
        result.rows.append(row)
    return result


# --- import ----------------------------------------------------------------------------

@_many_rows()
def run(actor: Actor, user: User, job: PeopleImport, progress: Callable[[int], None] | None = None,
        analysis: Analysis | None = None) -> Analysis:
    """Import the rows that are ready: those of the dry run (``analysis``, or the rows
    ``check`` kept), checked against the database again in this transaction, so that a
    person registered since is a duplicate, not a clash. Without a dry run the file is
    checked first."""
    _editable(job)
    kind = kind_of(job)
    result = analysis or _load_checked(job)
    if result is None:
        result = analyse(user, job)
    else:  # checked before: only the database may have changed since
        for start in range(0, len(result.rows), BATCH):
            kind.check_rows(user, [r for r in result.rows[start:start + BATCH] if r.status == "ready"])
    writer = kind.writer(actor, job)
    ready = result.ready
    try:
        for start in range(0, len(ready), BATCH):
            batch = ready[start:start + BATCH]
            writer.write(batch)
            if progress:
                progress(len(batch))
        summary = result.summary()
        summary.update(imported=len(ready), **writer.extras())
        job.summary, job.status, job.imported, job.imported_at = summary, "imported", len(ready), utcnow()
        audit.record(actor, "import.run", "people_import", job.id, None,
                     {k: summary.get(k, 0) for k in ("rows", "ready", "duplicate", "repeat", "error", "imported", "dwellings",
                                                     "linked")})
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

    def extras(self) -> dict:
        return {"dwellings": self.dwellings, "landlords": self.landlords}

    def write(self, rows: list[Row]) -> None:
        dwelling_ids = self._dwellings(rows)
        arrivals = []
        for row in rows:
            v = row.values
            person = {k: v.get(k) for k in PERSON_COLUMNS}
            person["collected_at"] = _utc_midnight(v["collected_at"]) if v.get("collected_at") else None
            arrivals.append(registration.Arrival(
                person=person, grid_id=v["grid_id"], dwelling_id=dwelling_ids.get((v["grid_id"], v.get("address"))),
                room=v.get("room"), note="台账导入", import_id=self.job.id))
        registration.write(self.actor, arrivals, now=self.now, today=self.today)

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


KINDS["people"] = LedgerKind("people", columns.PEOPLE, read_row, _check_registered, _Writer, DATE_VALUES,
                             "station.import_job")
