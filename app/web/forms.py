"""Form pieces every blueprint uses: identity-number and mobile fields checked by the
domain's rules, and a service's refusal put on a form or flashed."""
from __future__ import annotations

from flask import current_app, flash
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import StringField
from wtforms.validators import ValidationError

from ..domain.clock import local_today
from ..domain.events import event_date_problem
from ..domain.idcard import InvalidIdNumber, parse_id_number
from ..domain.phone import InvalidPhone, normalise_mobile
from ..services.common.errors import ValidationFailed
from . import tr


class IdNumberField(StringField):
    """Normalises on input; validation reports the domain's message."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = (self.data or "").strip()


def valid_id_number(form, field):
    if not field.data:
        return
    try:
        parsed = parse_id_number(field.data)
    except InvalidIdNumber as exc:
        raise ValidationError(tr(exc.message)) from None
    field.data = parsed.number


def valid_mobile(form, field):
    if not field.data:
        return
    try:
        field.data = normalise_mobile(field.data)
    except InvalidPhone as exc:
        raise ValidationError(tr(str(exc))) from None


def not_in_future(form, field):
    """A date of something that happened (``domain.events``: not after today)."""
    problem = field.data and event_date_problem(field.data, local_today())
    if problem:
        raise ValidationError(tr(problem))


def own_ids(form, prefix: str):
    """Give ``form``'s controls ids of their own (``<prefix>-<name>``, labels following) while
    the names it posts stay as they are: for several forms on one page, whose fields share
    names (the card page's reports: two ``on``, two ``phone``, three ``csrf_token``)."""
    for field in form:
        field.id = field.label.field_id = f"{prefix}-{field.name}"
    return form


def apply_errors(form, exc: ValidationFailed) -> None:
    """Put a service's field errors on the form; unknown fields go on the form itself."""
    for name, message in exc.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [tr(message)]
        else:
            form.form_errors.append(tr(message))


def refusal(exc: ValidationFailed) -> str:
    """A service's refusal as one translated sentence (its first message)."""
    return tr(next(iter(exc.errors.values())))


def flash_refusal(exc: ValidationFailed) -> None:
    """Flash a service's refusal on the page the user goes back to."""
    flash(refusal(exc), "error")


def signed(value, purpose: str) -> str:
    """``value`` (JSON-like) as text a form can carry and give back unaltered."""
    return URLSafeSerializer(current_app.secret_key, salt=purpose).dumps(value)


def unsigned(text: str | None, purpose: str):
    """What ``signed`` wrote, or None for anything altered, missing or foreign."""
    try:
        return URLSafeSerializer(current_app.secret_key, salt=purpose).loads(text or "")
    except BadSignature:
        return None
