"""Card templates rendered in an environment made for one language.

The public card page is served at high rates (DESIGN §6), most of it without a session
and outside Flask's request handling (``fast_path``). Its templates are ordinary Jinja
templates, rendered here in an overlay of the app's environment that knows its language
up front: translations are read straight from that language's catalogue (Flask-Babel
looks the language up again for every string), URLs are built from the app's URL map
without a request, and none of the app's context processors run (they load the
signed-in user and add the staff pages' helpers; card templates use none of them).
Flask views and the fast path both render through here, so they write the same page.

What a card template may use: ``_``/``gettext``, ``url_for(endpoint, **values)``,
``get_locale()``, ``languages``, the app's filters, and what the caller passes (card
templates are given ``path`` and ``messages`` instead of reading the request and the
flashed messages).
"""
from __future__ import annotations

import threading

from flask import Flask
from flask_babel import force_locale, get_translations
from jinja2 import Environment
from markupsafe import Markup

from ..serving.static_files import static_name


class CardTemplates:
    def __init__(self, app: Flask):
        self.app = app
        self._environments: dict[tuple[str, str], Environment] = {}
        self._lock = threading.Lock()

    def render(self, name: str, language: str, script_root: str = "", **context) -> str:
        return self.environment(language, script_root).get_template(name).render(context)

    def environment(self, language: str, script_root: str = "") -> Environment:
        key = (language, script_root)
        env = self._environments.get(key)
        if env is None:
            with self._lock:
                env = self._environments.get(key) or self._make(language, script_root)
                self._environments[key] = env
        return env

    def _make(self, language: str, script_root: str) -> Environment:
        app = self.app
        env = app.jinja_env.overlay(cache_size=50)  # a cache of its own: its templates are bound to it
        env.globals = dict(app.jinja_env.globals)  # an overlay shares the dict; this one differs
        with app.test_request_context(), force_locale(language):
            translations = get_translations()
        # Through the overlay's own copy of the extension: ``env.install_gettext_translations``
        # is the app environment's method (an overlay copies attributes) and would change
        # the app's gettext instead.
        env.extensions["jinja2.ext.InternationalizationExtension"]._install(translations, newstyle=True)
        # ``_`` as gettext itself, not the extension's alias that looks gettext up again.
        env.globals["gettext"] = env.globals["_"] = _memo_gettext(translations)
        adapter = app.url_map.bind("localhost", script_name=script_root or "/")
        static = {}

        def url_for(endpoint: str, **values) -> str:
            if endpoint == "static":  # the same few files on every page
                filename = values.get("filename", "")
                if filename not in static:
                    static[filename] = adapter.build(endpoint, {**values, "filename": static_name(app, filename)})
                return static[filename]
            return adapter.build(endpoint, values)

        env.globals.update(url_for=url_for, get_locale=lambda: language, languages=app.config["LANGUAGES"])
        return env


def _memo_gettext(translations):
    """``gettext`` as Jinja's newstyle i18n has it (the translation is trusted markup and
    always a format string, its variables escaped), with the strings that take no
    variables translated and formatted once: they are most of a card page, and a
    language's catalogue does not change while the process runs."""
    done: dict[str, Markup] = {}

    def gettext(string: str, **variables) -> Markup:
        if variables:
            return Markup(translations.gettext(string)) % variables
        text = done.get(string)
        if text is None:
            text = done[string] = Markup(translations.gettext(string)) % {}
        return text

    return gettext


def card_templates(app: Flask) -> CardTemplates:
    templates = app.extensions.get("anju.card_templates")
    if templates is None:
        templates = app.extensions.setdefault("anju.card_templates", CardTemplates(app))
    return templates
