"""The ledger import's dry run and import, run off the request (``services.jobs``).

A 100,000-row ledger takes tens of seconds to check and as long to import: longer than a
web worker may take. The page enqueues the work and shows its progress; the upload page
shows it again when the user comes back, and the result page once it is done. One job per
upload at a time (its ``dedupe_key``): a second tap joins the first."""
from __future__ import annotations

from ...domain.text import N_, Message
from ...extensions import db
from ...models import PeopleImport, User
from .. import jobs
from ..common.context import Actor
from ..common.errors import ValidationFailed
from . import people_import

CHECK, RUN = "registry.import_check", "registry.import_run"


def _key(record: PeopleImport) -> str:
    return f"people_import:{record.id}"


def active(record: PeopleImport):
    """The dry run or import of this upload that is queued or running, if any."""
    return jobs.active(_key(record))


def start_check(actor: Actor, user: User, record: PeopleImport):
    """Enqueue the dry run of an upload whose settings are saved; commits."""
    people_import.ready_to_check(record)
    job = jobs.enqueue(CHECK, _payload(actor, record), dedupe_key=_key(record), owner_id=user.id)
    db.session.commit()
    return job


def start_run(actor: Actor, user: User, record: PeopleImport):
    """Enqueue the import of an upload whose dry run was seen; commits."""
    if record.status != "checked":
        raise ValidationFailed({"file": N_("请先试导入，核对结果后再导入")})
    job = jobs.enqueue(RUN, _payload(actor, record), dedupe_key=_key(record), owner_id=user.id)
    db.session.commit()
    return job


def _payload(actor: Actor, record: PeopleImport) -> dict:
    return {"import_id": record.id, "actor": actor.label, "ip": actor.ip}


def _context(handle: jobs.Handle) -> tuple[Actor, User, PeopleImport]:
    user = db.session.get(User, handle.owner_id)
    record = db.session.get(PeopleImport, handle.payload["import_id"])
    return Actor(user.id, handle.payload.get("actor") or user.username, handle.payload.get("ip")), user, record


def _result(record: PeopleImport) -> dict:
    return {"endpoint": people_import.kind_of(record).page, "values": {"job_id": record.id}, "redirect": True}


class _Counter:
    """Progress by batches: ``add(n)`` as each batch of ``total`` rows is done."""

    def __init__(self, handle: jobs.Handle, total: int, message: str):
        self.handle, self.total, self.message, self.done = handle, total, message, 0
        jobs.progress(handle, 0, total, Message(message, done=0, total=total))

    def add(self, n: int) -> None:
        self.done = min(self.total, self.done + n)
        jobs.progress(self.handle, self.done, self.total, Message(self.message, done=self.done, total=self.total))


def _refused(handle: jobs.Handle, exc: ValidationFailed) -> None:
    """Say why on the progress page (the job then fails: running it again changes nothing)."""
    first = next(iter(exc.errors.values()))
    jobs.progress(handle, None, None, first if isinstance(first, Message) else Message(str(first)))


@jobs.register(CHECK, title=N_("试导入台账"), max_attempts=1, timeout_s=1800)
def check(handle: jobs.Handle) -> dict:
    actor, user, record = _context(handle)
    jobs.progress(handle, None, None, N_("正在读取文件"))
    try:
        counter = None

        def rows_read(total: int) -> None:
            nonlocal counter
            counter = _Counter(handle, total, N_("已核对 %(done)d / %(total)d 行"))

        people_import.check(actor, user, record, on_rows=rows_read, progress=lambda n: counter.add(n))
    except ValidationFailed as exc:
        _refused(handle, exc)
        raise
    return _result(record)


@jobs.register(RUN, title=N_("导入台账"), max_attempts=1, timeout_s=3600)
def run(handle: jobs.Handle) -> dict:
    actor, user, record = _context(handle)
    jobs.progress(handle, None, None, N_("正在准备导入"))
    counter = _Counter(handle, int((record.summary or {}).get("ready") or 0), N_("已导入 %(done)d / %(total)d 人"))
    try:
        people_import.run(actor, user, record, progress=counter.add)
    except ValidationFailed as exc:
        _refused(handle, exc)
        raise
    return _result(record)
