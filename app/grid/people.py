"""Registering people and recording what happens to them."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..domain import divisions
from ..domain.clock import local_today
from ..domain.idcard import InvalidIdNumber, mask_id_number, parse_id_number
from ..domain.keys import parse_key
from ..services import scope
from ..services.cards import issuing as cards
from ..services.common.errors import DuplicatePerson, EditConflict, StaleEdit, ValidationFailed
from ..services.health import appointments, preferences
from ..services.registry import people as people_service
from ..services.registry import registration
from ..web import actor, int_arg, is_htmx, render, roles_required, tr
from ..web.forms import apply_errors, signed, unsigned
from ..web.idempotency import idempotent
from . import bp
from .forms import DepartForm, EditPersonForm, MoveForm, PersonForm, RelativeForm
from .helpers import STAFF, fill_place_choices, stale_rows
from .pickers import picked_code, picker_context


def _id_feedback(raw: str, exclude_id: int | None = None) -> dict:
    """What the live check says about a typed ID number."""
    if not (raw or "").strip():
        return {}
    try:
        parsed = parse_id_number(raw)
    except InvalidIdNumber as exc:
        return {"error": tr(exc.message)}
    status = divisions.status(parsed.region_code)
    check = people_service.check_duplicates(current_user, parsed.number, "", None, exclude_id)
    return {"parsed": parsed, "region_status": status.value,
            "region_name": divisions.full_name(parsed.region_code), "duplicate": check.same_id}


@bp.post("/people/check-id")
@roles_required(*STAFF)
def check_id():
    """Live validation: the number travels in the POST body, never in a URL."""
    feedback = _id_feedback(request.form.get("id_number", ""), int_arg("exclude"))
    prefill = ""
    if feedback.get("parsed") and not picked_code(request.form):
        region = feedback["parsed"].region_code
        if divisions.status(region) is divisions.CodeStatus.CURRENT:
            prefill = region
    return render("grid/_id_feedback.html", feedback=feedback,
                  picker=picker_context(prefill) if prefill else None)


def _form_context(form, **extra):
    return dict(form=form, **picker_context(form.hukou_area_code.data), **extra)


def _register(form):
    fields = form.person_fields()
    fields["hukou_area_code"] = picked_code(request.form)
    return registration.register(
        actor(), current_user, fields, form.grid_id.data, dwelling_id=form.dwelling_id.data,
        new_dwelling=form.new_dwelling(), room=form.room.data, accept_namesake=form.accept_namesake.data,
        relative_of=int_arg("relative_of"), relation=request.args.get("relation", "child"))


@bp.route("/people/new", methods=["GET", "POST"])
@roles_required(*STAFF)
@idempotent
def new_person():
    form = PersonForm()
    fill_place_choices(form, int_arg("grid") if request.method == "GET" else None)
    duplicate = None
    if request.method == "GET":
        form.arrived_on.data = form.arrived_on.data or local_today()
        _preselect_dwelling(form, int_arg("dwelling"))
    elif request.form.get("refresh_hukou") or request.form.get("find_dwelling"):
        form.hukou_area_code.data = picked_code(request.form)
    elif form.validate_on_submit():
        try:
            person = _register(form)
        except DuplicatePerson as exc:
            duplicate = exc.check
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已登记 %(name)s", name=person.name), "success")
            if request.form.get("then") == "next_here":  # door to door: the next person of this dwelling
                return redirect(url_for("grid.new_person", grid=person.grid_id, dwelling=person.dwelling_id))
            return redirect(url_for("grid.person", person_id=person.id))
    if request.method == "POST":
        form.hukou_area_code.data = picked_code(request.form)
    return render("grid/person_form.html", duplicate=duplicate,
                  relative_of=int_arg("relative_of"), relation=request.args.get("relation"),
                  **_form_context(form))


def _preselect_dwelling(form, dwelling_id: int | None) -> None:
    """Registering from a dwelling's page: that dwelling, if it is one of the grid's."""
    if dwelling_id and dwelling_id in {choice[0] for choice in form.dwelling_id.choices}:
        form.dwelling_id.data = dwelling_id


@bp.get("/people/<int:person_id>")
@roles_required(*STAFF)
def person(person_id: int):
    p = scope.get_person(current_user, person_id)
    return _person_page(p, RelativeForm())


def _person_page(p, relative_form, show_full_id=False):
    return render("grid/person.html", p=p, household=people_service.household(p, current_user),
                  timeline=people_service.timeline(p), relative_form=relative_form,
                  show_full_id=show_full_id, card=cards.active(p.id), **_services_context(p))


def _services_context(p) -> dict:
    """The person's services as coordinators see them: status and dates, never results."""
    return dict(services=appointments.person_services(p, with_results=False),
                children_vaccinations=appointments.children_vaccinations(p, current_user),
                opted_out=preferences.sms_opted_out(p.id), today=local_today())


@bp.post("/people/<int:person_id>/reveal-id")
@roles_required(*STAFF)
def reveal_id(person_id: int):
    """The full number, on request, and the request is in the audit log (PIPL)."""
    p = scope.get_person(current_user, person_id)
    people_service.record_id_view(actor(), p)
    return _person_page(p, RelativeForm(), show_full_id=True) if not is_htmx() else render(
        "grid/person.html", block="id_number", p=p, show_full_id=True)


OPENED = "person.edit.opened"  # what signs an edit form's opened values


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_person(person_id: int):
    p = scope.get_person(current_user, person_id)
    form = EditPersonForm(obj=p if request.method == "GET" else None)
    form.has_id_number = bool(p.id_number)
    form.no_id_number.data = form.no_id_number.data or (request.method == "GET" and not p.id_number)
    fill_place_choices(form, p.grid_id)
    conflict = None
    if request.method == "GET":
        _opened_on(form, p)
        form.id_number.data = ""  # masked on the page; 改正身份证号 shows it (audited)
    else:
        form.hukou_area_code.data = picked_code(request.form)
    if request.method == "GET" or request.form.get("refresh_hukou"):
        pass
    elif request.form.get("reveal_id"):
        people_service.record_id_view(actor(), p)
        form.id_number.data = p.id_number
    elif form.validate_on_submit():
        fields = {**form.person_fields(), "hukou_area_code": form.hukou_area_code.data}
        try:
            merge = people_service.update(actor(), current_user, p.id, parse_key(form.version.data) or 0, fields,
                                          opened=unsigned(form.opened.data, OPENED))
        except EditConflict as exc:
            conflict = _conflict(form, exc)
        except StaleEdit as exc:  # a form without its opened values: both versions, saving again overwrites
            conflict = {"rows": _stale_diff(form, fields, exc.current), "kept": None}
            _opened_on(form, exc.current)
        except DuplicatePerson:
            form.id_number.errors.append(gettext("此身份证号已登记为另一人"))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_saved_message(form, merge), "success")
            return redirect(url_for("grid.person", person_id=p.id))
    return render("grid/person_edit.html", p=p, stale=conflict and conflict["rows"],
                  kept=conflict and conflict["kept"], **_form_context(form))


def _opened_on(form, person) -> None:
    """The form now stands on ``person`` as it is: its version and what it shows."""
    form.version.data = person.version
    form.opened.data = signed(people_service.opened_values(person), OPENED)


def _field_label(form, name) -> str:
    return str(getattr(form, name).label.text)


def _saved_message(form, merge) -> str:
    if not merge.theirs:
        return gettext("已保存")
    return gettext("已保存。在您修改期间他人改过的%(fields)s已保留。",
                   fields="、".join(_field_label(form, name) for name in merge.theirs))


def _conflict(form, exc) -> dict:
    """A stale save that could not be merged: the fields both sides changed, side by side;
    the form keeps the user's input there and takes the other side's changes elsewhere."""
    current, merge = exc.current, exc.merge
    for name in merge.theirs:
        getattr(form, name).data = "" if name == "id_number" else getattr(current, name)
    mine = {name: value for name, (value, _) in merge.conflicts.items()}
    theirs = {name: value for name, (_, value) in merge.conflicts.items()}
    _opened_on(form, current)
    return {"rows": _diff_rows(form, mine, theirs), "kept": [_field_label(form, n) for n in merge.theirs]}


def _stale_diff(form, fields, current) -> list[tuple]:
    fields = {k: v for k, v in fields.items() if k != "collected_at"}
    return _diff_rows(form, fields, {name: getattr(current, name) for name in fields})


def _diff_rows(form, mine: dict, theirs: dict) -> list[tuple]:
    """``stale_rows`` with the record's identity number masked (the user's own input is theirs to see)."""
    if theirs.get("id_number") and theirs["id_number"] != mine.get("id_number"):
        theirs = {**theirs, "id_number": mask_id_number(theirs["id_number"])}
    return stale_rows(form, mine, theirs)


def _event_form(form_class, p, template, service_call, success):
    form = form_class()
    if request.method == "GET":
        form.version.data, form.on.data = p.version, local_today()
    if hasattr(form, "dwelling_id"):
        fill_place_choices(form, form.grid_id.data if request.method == "POST" else p.grid_id)
    stale = False
    if not request.form.get("find_dwelling") and form.validate_on_submit():
        try:
            service_call(form)
        except StaleEdit as exc:
            stale, form.version.data = True, exc.current.version
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(success, "success")
            return redirect(url_for("grid.person", person_id=p.id))
    return render(template, p=p, form=form, stale=stale)


@bp.route("/people/<int:person_id>/move", methods=["GET", "POST"])
@roles_required(*STAFF)
@idempotent
def move_person(person_id: int):
    p = scope.get_person(current_user, person_id)
    return _event_form(MoveForm, p, "grid/person_move.html", lambda f: people_service.move(
        actor(), current_user, p.id, parse_key(f.version.data) or 0, f.on.data, f.grid_id.data,
        dwelling_id=f.dwelling_id.data, new_dwelling=f.new_dwelling(), room=f.room.data,
        note=f.note.data), gettext("已登记迁移"))


@bp.route("/people/<int:person_id>/depart", methods=["GET", "POST"])
@roles_required(*STAFF)
@idempotent
def depart_person(person_id: int):
    p = scope.get_person(current_user, person_id)
    return _event_form(DepartForm, p, "grid/person_depart.html", lambda f: people_service.depart(
        actor(), current_user, p.id, parse_key(f.version.data) or 0, f.on.data, f.destination.data,
        f.reason.data, f.note.data), gettext("已注销"))


@bp.post("/people/<int:person_id>/household")
@roles_required(*STAFF)
def add_relative(person_id: int):
    p = scope.get_person(current_user, person_id)
    form = RelativeForm()
    if form.validate_on_submit():
        relative = people_service.check_duplicates(current_user, form.id_number.data, "", None).same_id
        if relative is None or not relative.in_scope:
            form.id_number.errors.append(gettext("未在您的范围内找到此身份证号的人员，请先登记"))
        else:
            try:
                people_service.link_relative(actor(), current_user, p.id, relative.person_id, form.relation.data)
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                flash(gettext("已添加家庭成员"), "success")
                return redirect(url_for("grid.person", person_id=p.id))
    return _person_page(p, form)


@bp.post("/people/<int:person_id>/household/<int:relation_id>/remove")
@roles_required(*STAFF)
def remove_relative(person_id: int, relation_id: int):
    people_service.unlink_relative(actor(), current_user, person_id, relation_id)
    flash(gettext("已移除家庭成员关系"), "success")
    return redirect(url_for("grid.person", person_id=person_id))
