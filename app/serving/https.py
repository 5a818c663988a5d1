"""What changes when the app is reached over HTTPS: the session cookie is sent with
``Secure`` and responses carry HSTS.

HTTPS is what the request says after ``serving.proxy``: behind nginx with
``PROXY_FIX_X_PROTO = 1`` that is its ``X-Forwarded-Proto``; without a trusted proxy, the
server's own scheme. ``SESSION_COOKIE_SECURE = True`` makes the cookie Secure on every
response whatever the request (a deployment whose proxy headers are not trusted).
"""
from __future__ import annotations

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

HSTS = "max-age=63072000; includeSubDomains"  # two years, as deploy/nginx sends it


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (has_request_context() and request.is_secure)


def set_hsts(response):
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def install(app: Flask) -> None:
    app.session_interface = HttpsAwareSessionInterface()
    app.after_request(set_hsts)
