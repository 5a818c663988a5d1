"""Checks on every request and security headers on every response."""
from flask import abort, request
from flask_login import current_user

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'; manifest-src 'self'; worker-src 'self'")


# On every response unless the view set its own (the card page's fast path sends them too).
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "geolocation=(), microphone=(), camera=(self)"),
)


# Answers to signed-in users that hold no personal data and keep their own caching.
SHARED_ALIKE = frozenset({"pwa.offline_texts_script"})


def set_security_headers(response):
    headers = response.headers
    for name, value in SECURITY_HEADERS:
        headers.setdefault(name, value)
    if request.blueprint == "api_v1":  # tokens, not sessions: never look at the session cookie
        headers["Cache-Control"] = "no-store"
    elif (not request.path.startswith("/static/") and request.endpoint not in SHARED_ALIKE
          and current_user.is_authenticated):
        # Pages with personal data are not kept in shared caches or the browser's disk.
        headers["Cache-Control"] = "no-store"
    return response


def refuse_nul_characters():
    """No keyboard types U+0000, and PostgreSQL text cannot hold it: refuse it up front
    with a clear 400 instead of failing deep in a query."""
    for values in (request.args, request.form):
        for value in values.values():
            if "\x00" in value:
                abort(400)


def refuse_json_to_forms():
    """Pages take form posts only. Flask-WTF reads a JSON body as a form's data, so a number
    or a list would reach text fields that expect strings; the JSON API is ``/api/v1/`` and
    peers deliver signed JSON to ``/exchange/inbox`` and ``/exchange/batch``."""
    if request.is_json and request.method in ("POST", "PUT", "PATCH") and request.blueprint != "api_v1" \
            and request.endpoint not in ("exchange.receive", "exchange.receive_batch"):
        abort(415)
