"""Registering people and recording what happens to them."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..domain import divisions
from ..domain.clock import local_today
from ..domain.idcard import InvalidIdNumber, parse_id_number
from ..services import appointments, cards, preferences
from ..services import people as people_service
from ..services import scope
from ..services.errors import DuplicatePerson, StaleEdit, ValidationFailed
from ..web import actor, int_arg, is_htmx, render, roles_required, tr
from . import bp
from .forms import DepartForm, EditPersonForm, MoveForm, PersonForm, RelativeForm
from .helpers import STAFF, apply_errors, fill_place_choices, stale_rows
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
    relative_of = int_arg("relative_of")
    person = people_service.register(
        actor(), current_user, fields, form.grid_id.data, dwelling_id=form.dwelling_id.data,
        new_dwelling=form.new_dwelling(), room=form.room.data, accept_namesake=form.accept_namesake.data)
    if relative_of:
        people_service.link_relative(actor(), current_user, relative_of, person.id,
                                     request.args.get("relation", "child"))
    return person


@bp.route("/people/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_person():
    form = PersonForm()
    fill_place_choices(form, int_arg("grid") if request.method == "GET" else None)
    duplicate = None
    if request.method == "GET":
        form.arrived_on.data = form.arrived_on.data or local_today()
    elif request.form.get("refresh_hukou"):
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
            return redirect(url_for("grid.person", person_id=person.id))
    if request.method == "POST":
        form.hukou_area_code.data = picked_code(request.form)
    return render("grid/person_form.html", duplicate=duplicate,
                  relative_of=int_arg("relative_of"), relation=request.args.get("relation"),
                  **_form_context(form))


@bp.get("/people/<int:person_id>")
@roles_required(*STAFF)
def person(person_id: int):
    p = scope.get_person(current_user, person_id)
    return _person_page(p, RelativeForm())


def _person_page(p, relative_form, show_full_id=False):
    return render("grid/person.html", p=p, household=people_service.household(p),
                  timeline=people_service.timeline(p), relative_form=relative_form,
                  show_full_id=show_full_id, card=cards.active(p.id), **_services_context(p))


def _services_context(p) -> dict:
    """The person's services as coordinators see them: status and dates, never results."""
    return dict(services=appointments.person_services(p, with_results=False),
                children_vaccinations=appointments.children_vaccinations(p),
                opted_out=preferences.sms_opted_out(p.id), today=local_today())


@bp.post("/people/<int:person_id>/reveal-id")
@roles_required(*STAFF)
def reveal_id(person_id: int):
    """The full number, on request, and the request is in the audit log (PIPL)."""
    p = scope.get_person(current_user, person_id)
    people_service.record_id_view(actor(), p)
    return _person_page(p, RelativeForm(), show_full_id=True) if not is_htmx() else render(
        "grid/person.html", block="id_number", p=p, show_full_id=True)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_person(person_id: int):
    p = scope.get_person(current_user, person_id)
    form = EditPersonForm(obj=p if request.method == "GET" else None)
    form.no_id_number.data = form.no_id_number.data or (request.method == "GET" and not p.id_number)
    fill_place_choices(form, p.grid_id)
    stale = None
    if request.method == "GET":
        form.version.data = p.version
    elif request.form.get("refresh_hukou"):
        pass
    elif form.validate_on_submit():
        fields = form.person_fields()
        fields["hukou_area_code"] = picked_code(request.form)
        try:
            people_service.update(actor(), current_user, p.id, int(form.version.data or 0), fields)
        except StaleEdit as exc:
            stale = _stale_diff(form, exc.current)
            form.version.data = exc.current.version  # saving again now overwrites knowingly
        except DuplicatePerson:
            form.id_number.errors.append(gettext("此身份证号已登记为另一人"))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已保存"), "success")
            return redirect(url_for("grid.person", person_id=p.id))
    if request.method == "POST":
        form.hukou_area_code.data = picked_code(request.form)
    return render("grid/person_edit.html", p=p, stale=stale, **_form_context(form))


def _stale_diff(form, current) -> list[tuple]:
    fields = form.person_fields()
    fields["hukou_area_code"] = picked_code(request.form)
    del fields["collected_at"]
    return stale_rows(form, fields, {name: getattr(current, name) for name in fields})


def _event_form(form_class, p, template, service_call, success):
    form = form_class()
    if request.method == "GET":
        form.version.data, form.on.data = p.version, local_today()
    if hasattr(form, "dwelling_id"):
        fill_place_choices(form, form.grid_id.data if request.method == "POST" else p.grid_id)
    stale = False
    if form.validate_on_submit():
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
def move_person(person_id: int):
    p = scope.get_person(current_user, person_id)
    return _event_form(MoveForm, p, "grid/person_move.html", lambda f: people_service.move(
        actor(), current_user, p.id, int(f.version.data or 0), f.on.data, f.grid_id.data,
        dwelling_id=f.dwelling_id.data, new_dwelling=f.new_dwelling(), room=f.room.data,
        note=f.note.data), gettext("已登记迁移"))


@bp.route("/people/<int:person_id>/depart", methods=["GET", "POST"])
@roles_required(*STAFF)
def depart_person(person_id: int):
    p = scope.get_person(current_user, person_id)
    return _event_form(DepartForm, p, "grid/person_depart.html", lambda f: people_service.depart(
        actor(), current_user, p.id, int(f.version.data or 0), f.on.data, f.destination.data,
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
