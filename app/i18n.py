"""Language: Simplified Chinese unless the user picked another in the menu."""
from flask import current_app, session


def select_locale() -> str:
    lang = session.get("lang")
    return lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]
