"""Language: Simplified Chinese unless the user picked another in the menu (or, for the
JSON API, which has no session, asked for one with ``Accept-Language``).

The choice is a cookie of its own (``LANG_COOKIE``), not a key of the session: a page's
background requests answered after the switch (the offline script keeping pages, an htmx
fragment) send the session cookie they started with, and put the old language back."""
from flask import current_app, request, session

LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if request and request.blueprint == "api_v1":
        lang = request.accept_languages.best_match(list(languages))
    else:
        lang = request.cookies.get(LANG_COOKIE) or session.get("lang")  # the session: before the cookie
    return lang if lang in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def remember(response, lang: str):
    """The language chosen, on ``response``: a cookie for a year, Secure like the session's."""
    secure = current_app.session_interface.get_cookie_secure(current_app)
    response.set_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_MAX_AGE, secure=secure, httponly=True,
                        samesite="Lax")
    return response
