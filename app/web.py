"""Helpers shared by the blueprints' views: who acts, how to answer HTMX, who may enter."""
from __future__ import annotations

from functools import wraps

from flask import abort, after_this_request, current_app, make_response, render_template, request, send_file
from flask_babel import gettext
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block
from werkzeug.routing import IntegerConverter

from .domain.clock import local_today
from .domain.text import Message
from .services.context import Actor
from .services.export import write_xlsx


def actor() -> Actor:
    return Actor(user_id=current_user.id, label=current_user.username, ip=request.remote_addr)


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


def render(template: str, block: str | None = None, http_status: int = 200, **context):
    """A full page, or only ``block`` of it when htmx asked (same URL, same template)."""
    if block and is_htmx():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, http_status)
    response.vary.add("HX-Request")
    return response


def tr(message) -> str:
    """Translate a message raised by the domain or a service."""
    if isinstance(message, Message) and message.params:
        return gettext(message.template, **message.params)
    return gettext(str(message))


def roles_required(*roles):
    """Logged in, with one of ``roles``; others get 403 (the page exists for staff)."""
    allowed = {getattr(r, "value", r) for r in roles}

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorator


def safe_next(target: str | None, default: str) -> str:
    """Only local paths: never redirect to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


MAX_ID = 2**31 - 1  # the largest key a database integer column holds


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` in URLs matches only keys a database integer can hold; others are 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def int_arg(name: str, default: int | None = None) -> int | None:
    """A positive integer from the query string, or ``default`` for anything else."""
    try:
        value = int(request.args.get(name, ""))
    except ValueError:
        return default
    return value if 0 < value <= MAX_ID else default


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(name: str, sheets):
    """An ``.xlsx`` attachment named ``name-YYYYMMDD.xlsx`` (``services.export.Sheet``s).
    The name may be Chinese: Werkzeug sends it RFC 5987-encoded with an ASCII fallback."""
    response = send_file(write_xlsx(sheets), mimetype=XLSX, as_attachment=True,
                         download_name=f"{name}-{local_today():%Y%m%d}.xlsx")
    response.headers["Cache-Control"] = "no-store"
    return response


def after_response(job) -> None:
    """Run ``job()`` once this request's response has been sent (in its own application
    context), so that the page does not wait for it: the WSGI server calls it on closing
    the response. A failure is logged, the page is already out."""
    app = current_app._get_current_object()

    @after_this_request
    def attach(response):
        def run():
            with app.app_context():
                try:
                    job()
                except Exception:  # noqa: BLE001 — nobody to show it to but the log
                    app.logger.exception("job after the response failed")
        response.call_on_close(run)
        return response
