"""Filters and globals the templates use."""
import functools
import json
import re

from flask import g, request
from flask_babel import format_date, format_datetime, format_decimal, gettext, get_locale
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from ..domain import choices, divisions, notices, schedules
from ..domain.clock import to_local
from ..domain.masking import mask_id_number, mask_name, mask_phone
from ..web import tr
from ..web.lists import grid_label


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


def weekday(value):
    """The day of the week, short, in the user's language (周五 / Fri)."""
    return format_date(value, "EEE") if value else ""


def joined(values, separator=" · ") -> str:
    """The filled values only, or a dash: no lone separators for empty fields."""
    present = [str(v) for v in values if v]
    return separator.join(present) if present else "—"


# A time ("8:30") or a range of times ("8:30–12:00", "13:30 至 17:00") in free text.
_TIMES = re.compile(r"\d{1,2}[:：]\d{2}(?:\s*[-–—~～至到]\s*\d{1,2}[:：]\d{2})?")


def unbroken_times(text) -> Markup:
    """Free text (a station's office hours) with each time range kept on one line: a
    narrow screen may break the text between ranges, never inside one ("12:00，1 / 3:30")."""
    if not text:
        return Markup("")
    return Markup(_TIMES.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', str(escape(text))))


def first_problem() -> bool:
    """True the first time a page asks, then False: the first field with an error (or a
    form's error summary) is the one that gets the focus after a failed submit."""
    if g.get("problem_focused"):
        return False
    g.problem_focused = True
    return True


def page_total(page) -> str:
    """A list's total: exact ("926"), or an estimate rounded to two figures ("约 77,000")."""
    if page.exact:
        return format_decimal(page.total, format="#,##0")
    n = page.total
    step = 10 ** max(0, len(str(n)) - 2)
    return gettext("约 %(n)s", n=format_decimal(round(n / step) * step, format="#,##0"))


def json_text(value) -> Markup:
    """``tojson`` keeping Chinese as it is (``\\u`` escapes triple its size on every page),
    still safe inside ``<script>``: ``<``, ``>``, ``&`` and ``'`` are escaped."""
    return htmlsafe_json_dumps(value, dumps=functools.partial(json.dumps, ensure_ascii=False,
                                                               separators=(",", ":")))


def register(app):
    app.jinja_env.filters.update(
        masked_id=mask_id_number, masked_name=mask_name, masked_phone=mask_phone,
        label=choice_label, localtime=localtime, date=short_date, tr=tr,
        division=divisions.full_name, joined=joined, unbroken_times=unbroken_times, weekday=weekday,
        grid_label=grid_label, page_total=page_total, json_text=json_text,
    )
    app.jinja_env.globals.update(choices=choices, choice_options=choice_options, get_locale=get_locale,
                                 first_problem=first_problem)
    app.jinja_env.globals.update(service_rules=schedules, notice_rules=notices)  # labels of the services' codes
    from ..domain import exchange as exchange_labels
    app.jinja_env.globals.update(message_types=exchange_labels.MESSAGE_TYPES, outcomes=exchange_labels.OUTCOMES,
                                 outflow_actions=exchange_labels.OUTFLOW_ACTIONS)
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def inject():
        return {"languages": app.config["LANGUAGES"], "current_path": request.full_path.rstrip("?")}
