"""The operations an integrator needs: find a person, follow changes, register, read a
schedule. Views stay thin: check → call a service → answer with a response model."""
from __future__ import annotations

import datetime as dt

from flask import jsonify, url_for
from flask_babel import gettext

from ...domain.idcard import InvalidIdNumber, mask_id_number
from ...domain.phone import mask_phone
from ...models import Area, Person
from ...services.common.errors import DuplicatePerson, ValidationFailed
from ...services.integration import changes as change_feed
from ...services.integration import lookups
from ...services.registry import registration
from ...web import tr
from . import bp
from .auth import actor, current_token, note, require_write
from .problems import Problem
from .registration import checked_form, refusal
from .schemas import (
    AreaOut,
    ChangeOut,
    ChangesOut,
    ChangesQuery,
    LookupIn,
    NextDueOut,
    PersonOut,
    RegistrationIn,
    ScheduleOut,
    ServiceOut,
    VisitOut,
)
from .schemas import Problem as ProblemModel
from .spec import api_spec, document, responses

TAGS = ["people"]


@bp.get("/openapi.json")
def openapi():
    """The contract, generated from the code (public, like any published API document)."""
    return jsonify(document())


def _area(area: Area | None) -> AreaOut | None:
    return AreaOut(code=area.code, name=area.label) if area is not None else None


def person_out(person: Person) -> PersonOut:
    full = current_token().full_id_numbers
    return PersonOut(
        id=person.id, id_number=person.id_number if full else (mask_id_number(person.id_number) or None),
        name=person.name, sex=person.sex, birth_date=person.birth_date, phone=mask_phone(person.phone) or None,
        status=person.status, grid=_area(person.grid), dwelling_address=person.dwelling.address if person.dwelling else None,
        room=person.room, arrived_on=person.arrived_on, left_on=person.left_on, version=person.version)


@bp.post("/people/lookup")
@api_spec.validate(resp=responses(HTTP_200=PersonOut, HTTP_422=ProblemModel), tags=TAGS)
def lookup(json: LookupIn):
    """Find a person by ID number in the token's areas.

    The number travels in the body, never in the URL. A person outside the token's
    areas is answered like nobody: 404.
    """
    try:
        person = lookups.person_by_id_number(current_token(), json.id_number)
    except InvalidIdNumber as exc:
        raise Problem(422, gettext("身份证号码无效"), tr(exc.message), code="invalid_id_number",
                      errors={"id_number": [tr(exc.message)]}) from None
    note(person_id=person.id)
    return person_out(person)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


@bp.get("/changes")
@api_spec.validate(query=ChangesQuery, resp=responses(HTTP_200=ChangesOut, HTTP_422=ProblemModel), tags=TAGS)
def changes(query: ChangesQuery):
    """Arrivals, moves, transfers and departures recorded since a time, oldest first.

    Follow ``next_cursor`` (with the same ``since``) until it is null; a row recorded
    while you page is neither skipped nor sent twice.
    """
    try:
        page = change_feed.since(current_token(), _utc(query.since), cursor=query.cursor, limit=query.limit)
    except change_feed.BadCursor:
        raise Problem(400, gettext("游标无效"), gettext("请使用上一页返回的 next_cursor。"), code="bad_cursor") from None
    except OverflowError:
        raise Problem(422, gettext("时间超出范围"), code="invalid", errors={"since": [gettext("时间超出范围")]}) from None
    note(count=len(page.rows))
    return ChangesOut(changes=[
        ChangeOut(id=m.id, kind=m.kind, on_date=m.on_date, recorded_at=m.recorded_at.replace(tzinfo=dt.timezone.utc),
                  person=person_out(p), from_grid=_area(page.areas.get(m.from_grid_id)),
                  to_grid=_area(page.areas.get(m.to_grid_id)), destination=m.destination)
        for m, p in page.rows], next_cursor=page.next_cursor)


@bp.post("/registrations")
@api_spec.validate(resp=responses(HTTP_201=PersonOut, HTTP_409=ProblemModel, HTTP_422=ProblemModel), tags=TAGS)
def register(json: RegistrationIn):
    """Register a new arrival, with the registration form's rules and duplicate checks.

    The same ID number anywhere is refused (409, ``duplicate_id_number``); someone with
    the same name and birth date is refused (409, ``possible_namesake``) until sent again
    with ``accept_namesake: true``. Requires a read-write token.
    """
    require_write()
    form = checked_form(current_token(), json)
    fields = form.person_fields()
    try:
        person = registration.register(  # the one write path of a registration, as the form
            actor(), current_token(), fields, form.grid_id.data, dwelling_id=form.dwelling_id.data,
            new_dwelling=form.new_dwelling(), room=form.room.data, accept_namesake=form.accept_namesake.data)
    except DuplicatePerson as exc:
        raise _duplicate(exc.check) from None
    except ValidationFailed as exc:
        raise refusal({name: [tr(message)] for name, message in exc.errors.items()}) from None
    note(person_id=person.id)
    return person_out(person), 201, {"Location": url_for("api_v1.schedule", person_id=person.id)}


def _duplicate(check) -> Problem:
    found = check.same_id or (check.same_name_birth[0] if check.same_name_birth else None)
    shown = {"in_scope": found.in_scope, "area": found.area_name}
    if found.in_scope:
        shown["person_id"] = found.person_id
    if check.same_id:
        return Problem(409, gettext("此身份证号已登记"), code="duplicate_id_number", duplicate=shown)
    return Problem(409, gettext("已有同名且出生日期相同的人员"),
                   gettext("核实不是同一人后，以 accept_namesake: true 再次提交。"), code="possible_namesake",
                   duplicate=shown)


@bp.get("/people/<int:person_id>/schedule")
@api_spec.validate(resp=responses(HTTP_200=ScheduleOut), tags=TAGS)
def schedule(person_id: int):
    """A person's free services: each service's visits and next date (never results)."""
    person, lines = lookups.schedule(current_token(), person_id)
    note(person_id=person.id)
    return ScheduleOut(person_id=person.id, services=[ServiceOut(
        code=line.type.code, name=line.type.name, applies=line.applies,
        next_due=NextDueOut(on=line.next.on, month_only=line.next.month_only, label=line.next.label)
        if line.next else None,
        visits=[VisitOut(slot=v.slot_label, due_on=v.due_on, status=v.status, done_on=v.done_on,
                         overdue=v.overdue, catch_up=v.catch_up) for v in line.visits]) for line in lines])
