"""A registration sent as JSON, checked by the registration form's own rules
(``grid.forms.PersonForm``) and written by the same service as the form."""
from __future__ import annotations

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from ...domain import divisions
from ...grid.forms import PersonForm
from ...grid.helpers import fill_place_choices
from ...services import scope
from .problems import Problem
from .schemas import RegistrationIn

# Form field → the API's name for it, where they differ.
FIELD_NAMES = {"grid_id": "grid_code", **{name: f"new_dwelling.{name}" for name in (
    "address", "kind", "rooms", "landlord_name", "landlord_phone", "landlord_id_number")}}


def refusal(errors: dict) -> Problem:
    """Field errors (form or service names) as the API's 422, under the API's field names."""
    return Problem(422, gettext("提交的内容不符合登记要求"), code="invalid",
                   errors={FIELD_NAMES.get(name, name): messages for name, messages in errors.items()})


def _form_value(value) -> str | None:
    if value is None or value is False:
        return None
    if value is True:
        return "y"
    if hasattr(value, "hour"):  # collected_at, as the form's datetime-local input sends it
        return value.strftime("%Y-%m-%dT%H:%M")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _formdata(body: RegistrationIn, grid_id: int) -> MultiDict:
    values = body.model_dump(exclude={"grid_code", "new_dwelling"})
    values.update((body.new_dwelling.model_dump() if body.new_dwelling else {}), grid_id=grid_id)
    return MultiDict([(k, v) for k, v in ((k, _form_value(v)) for k, v in values.items()) if v is not None])


def checked_form(token, body: RegistrationIn) -> PersonForm:
    """The form filled from the body and validated; refusals as a 422 problem."""
    grid = next((g for g in scope.grids(token) if g.code == body.grid_code), None)
    if grid is None:
        raise refusal({"grid_id": [gettext("该网格不存在或不在令牌的区域内")]})
    form = PersonForm(formdata=_formdata(body, grid.id), meta={"csrf": False})
    fill_place_choices(form, grid.id, user=token)
    form.hukou_area_code.data = divisions.normalise_code(body.hukou_area_code) if body.hukou_area_code else ""
    if not form.validate():
        raise refusal({name: [str(m) for m in messages] for name, messages in form.errors.items()})
    return form
