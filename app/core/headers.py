"""Checks on every request and security headers on every response."""
from flask import abort, request
from flask_login import current_user

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'; manifest-src 'self'; worker-src 'self'")


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "geolocation=(), microphone=(), camera=(self)")
    if not request.path.startswith("/static/") and current_user.is_authenticated:
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
