"""Anju: a service system for the floating population.

``create_app`` builds the application in named steps; see ``DESIGN.md`` for the map.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from .config import Config, from_environment


def create_app(config: dict | type | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(from_environment())
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "anju.db")

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_commands(app)
    register_fast_paths(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import db_events  # noqa: F401  (SQLite pragmas on connect)
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    from .auth.session import configure_login
    configure_login(login_manager)


def register_blueprints(app: Flask) -> None:
    from .web import BoundedIntConverter
    app.url_map.converters["int"] = BoundedIntConverter

    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .card import bp as card_bp
    from .core import bp as core_bp
    from .grid import bp as grid_bp
    from .landlord import bp as landlord_bp
    from .pwa import bp as pwa_bp
    from .station import bp as station_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(grid_bp)
    app.register_blueprint(station_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(pwa_bp)
    app.register_blueprint(card_bp)
    app.register_blueprint(landlord_bp)


def register_errorhandlers(app: Flask) -> None:
    from .core.errors import register
    register(app)


def register_request_hooks(app: Flask) -> None:
    from .auth.session import enforce_idle_timeout
    from .core.headers import refuse_nul_characters, set_security_headers

    app.before_request(refuse_nul_characters)
    app.before_request(enforce_idle_timeout)
    app.after_request(set_security_headers)


def register_template_helpers(app: Flask) -> None:
    from .core.templating import register
    register(app)


def register_commands(app: Flask) -> None:
    from .cli import register
    register(app)


def register_fast_paths(app: Flask) -> None:
    """The public card page, served in front of Flask's request handling (card.fast_path)."""
    from .card.fast_path import PublicCardPage
    app.wsgi_app = PublicCardPage(app)
