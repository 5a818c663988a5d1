"""The public card page, served in front of Flask.

Scanning a card's QR code is the busiest request of the app, and the plainest: a GET of
``/C/<token>`` from a phone with no session. For exactly that request this WSGI
middleware reads the card (one prepared query, ``services.cards.page``) and writes the
page from the same template and renderer as the Flask view (``rendering``), without
Flask's request handling around it: no request context, session, login manager, rate
limiter or hooks, none of which the public page uses (DESIGN §6 asks it for 45 % of
the throughput of a bare Flask "hello", measured in docs/performance.md).

Everything else goes to Flask as usual, which answers it the same way: any other method
or path, a query string, a session cookie (an unlocked card) or a language cookie, a
card that is unknown, revoked or whose holder left (404/410 pages), and any error here.
"""
from __future__ import annotations

import logging
import re

from flask import Flask

from ..core.headers import SECURITY_HEADERS
from ..domain import cards as rules
from ..i18n import LANG_COOKIE
from ..services.cards import page as card_page
from ..serving.compression import compress_body
from ..services.cards.issuing import card_key
from . import rate
from .rendering import card_templates

log = logging.getLogger(__name__)

CARD_PATH = re.compile(r"/[cC]/([A-Za-z2-7]{20,64})")

# What the Flask view sends with the public page (a test keeps the two the same).
PUBLIC_PAGE_HEADERS = (
    ("X-Robots-Tag", "noindex, nofollow"),
    ("Cache-Control", "private, no-cache"),  # the service worker may keep it as an offline copy
    ("X-Card-Offline", "1"),
    # With a session the same URL may show the unlocked page; the body is compressed as asked.
    ("Vary", "Cookie, Accept-Encoding"),
)


def public_page_context(key: str, view) -> dict:
    """What the card page template needs for the public (not unlocked) state."""
    return dict(key=key, v=view, unlocked=False, locked_until=None, unlock_errors=(), unlock_value="",
                unlock_tries=rules.UNLOCK_MAX_FAILURES, unlock_minutes=int(rules.UNLOCK_WINDOW.total_seconds() // 60))


class PublicCardPage:
    def __init__(self, app: Flask):
        self.app = app
        self.flask = app.wsgi_app
        self.templates = card_templates(app)
        self.language = app.config["BABEL_DEFAULT_LOCALE"]
        # a session (an unlocked card) or a chosen language: Flask answers
        self.own_cookies = re.compile(r"(?:^|;)\s*(?:%s|%s)=" % (re.escape(app.config["SESSION_COOKIE_NAME"]),
                                                                 re.escape(LANG_COOKIE)))
        self.compress = app.config.get("COMPRESS_HTML", True)  # as Flask-Compress does for the view
        self._key: bytes | None = None
        self.rate = rate.of(app)

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and not environ.get("QUERY_STRING") \
                and not self.own_cookies.search(environ.get("HTTP_COOKIE", "")):
            match = CARD_PATH.fullmatch(environ.get("PATH_INFO", ""))
            if match and not self.rate.allowed(environ):  # Flask answers with its 429 page
                return self.flask(environ, start_response)
            body = match and self._page(match.group(1), environ)
            if body:
                headers = [("Content-Type", "text/html; charset=utf-8")]
                if self.compress:
                    body, encoding = compress_body(body, environ.get("HTTP_ACCEPT_ENCODING", ""))
                    if encoding:
                        headers.append(("Content-Encoding", encoding))
                headers += [("Content-Length", str(len(body))), *PUBLIC_PAGE_HEADERS, *SECURITY_HEADERS]
                start_response("200 OK", headers)
                return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        return self.flask(environ, start_response)

    def _page(self, key: str, environ) -> bytes | None:
        try:
            token = rules.normalise_token(key)
            view = card_page.reader(self.app).one("token_hash", rules.digest(token, self.key))
            if view is None or view.gone:
                return None
            return self.templates.render("card/page.html", self.language, environ.get("SCRIPT_NAME", ""),
                                         path=environ["PATH_INFO"], messages=(),
                                         **public_page_context(key, view)).encode()
        except Exception:  # noqa: BLE001 - Flask answers instead, with its own error handling
            log.exception("card page fast path failed; handing the request to Flask")
            return None

    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = card_key(self.app.config)
        return self._key
