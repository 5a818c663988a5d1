"""Helpers shared by the blueprints' views: who acts, how to answer HTMX, who may enter."""
from __future__ import annotations

import unicodedata
from dataclasses import replace
from urllib.parse import urlsplit
from functools import wraps

from flask import abort, make_response, render_template, request, send_file
from flask_babel import gettext
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block
from werkzeug.routing import IntegerConverter

from ..domain.clock import local_today
from ..domain.keys import MAX_ID, parse_key  # one parser for every key typed
from ..domain.text import Message
from ..services.common import audit
from ..services.common.context import Actor
from ..services.common.spreadsheet import write_xlsx


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
    """Only a path on this site: never redirect to another one.

    Browsers drop tabs and line breaks from a URL and read ``\\`` as ``/``, so ``/\t/evil.example``
    would go to ``//evil.example``: any control or invisible character, or a backslash, refuses
    the target (rather than cleaning it), and so does anything with a scheme or a host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if not target.isprintable() or any(unicodedata.category(ch) in ("Zl", "Zp", "Cf") for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def same_site_request() -> bool:
    """A request a page of this site sent (for the few forms without a CSRF token): the
    browser's Sec-Fetch-Site, or else its Origin, says so; a client sending neither (an old
    browser, a script) is taken at its word, as it holds no one else's cookies."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin:
        return origin.rstrip("/") == request.host_url.rstrip("/")
    return True




class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` in URLs matches only keys a database integer can hold; others are 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def int_arg(name: str, default: int | None = None) -> int | None:
    """A positive integer from the query string, or ``default`` for anything else."""
    value = parse_key(request.args.get(name, ""))
    return default if value is None else value


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(name: str, sheets, *, audit_as: str | None, filters: dict | None = None, full_ids: bool = False):
    """An ``.xlsx`` attachment named ``name-YYYYMMDD.xlsx`` (``services.common.spreadsheet.Sheet``s).
    The name may be Chinese: Werkzeug sends it RFC 5987-encoded with an ASCII fallback.

    Every export of personal data is in the audit log: ``audit_as`` names it (``ledger.export``)
    with its ``filters`` (never a search text), the rows written and whether ID numbers were
    full. Only a file without personal data (a blank template, a made-up sample) passes None."""
    written = [0]

    def counted(rows):
        for row in rows:
            written[0] += 1
            yield row
    sheets = [replace(sheet, rows=counted(sheet.rows)) for sheet in sheets]
    # The file is complete (a temporary file) before it is sent: the count is known.
    response = send_file(write_xlsx(sheets), mimetype=XLSX, as_attachment=True,
                         download_name=f"{name}-{local_today():%Y%m%d}.xlsx")
    response.headers["Cache-Control"] = "no-store"
    if audit_as:
        audit.record_export(actor(), audit_as, filters or {}, written[0], full_ids)
    return response

