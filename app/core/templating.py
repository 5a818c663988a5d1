"""Filters and globals the templates use."""
from flask import request
from flask_babel import format_date, format_datetime, gettext, get_locale

from ..domain import choices, divisions, notices, schedules
from ..domain.clock import to_local
from ..domain.masking import mask_id_number, mask_name, mask_phone
from ..web import tr


def choice_label(code, options) -> str:
    label = choices.label(options, code)
    return gettext(label) if label else ""


def choice_options(options):
    """(code, translated label) pairs for a select."""
    return [(code, gettext(label)) for code, label in options]


def localtime(value, fmt="yyyy-MM-dd HH:mm"):
    return format_datetime(to_local(value), fmt) if value else ""


def short_date(value):
    return format_date(value, "yyyy-MM-dd") if value else ""


def joined(values, separator=" · ") -> str:
    """The filled values only, or a dash: no lone separators for empty fields."""
    present = [str(v) for v in values if v]
    return separator.join(present) if present else "—"


def register(app):
    app.jinja_env.filters.update(
        masked_id=mask_id_number, masked_name=mask_name, masked_phone=mask_phone,
        label=choice_label, localtime=localtime, date=short_date, tr=tr,
        division=divisions.full_name, joined=joined,
    )
    app.jinja_env.globals.update(choices=choices, choice_options=choice_options, get_locale=get_locale)
    app.jinja_env.globals.update(service_rules=schedules, notice_rules=notices)  # labels of the services' codes
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def inject():
        return {"languages": app.config["LANGUAGES"], "current_path": request.full_path.rstrip("?")}
