"""Anju: a service system for the floating population.

``create_app`` builds the application in named steps; see ``DESIGN.md`` for the map.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from flask import Flask

from .config import Config, from_environment


def json_text(value) -> str:
    """How JSON columns are written: readable characters, not ASCII escapes."""
    return json.dumps(value, ensure_ascii=False)


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
    configure_prepared_statements(app)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_commands(app)
    register_job_kinds(app)
    register_fast_paths(app)
    register_serving(app)
    return app


def configure_prepared_statements(app: Flask) -> None:
    """Behind PgBouncer in transaction pooling mode (``DATABASE_PREPARED_STATEMENTS =
    False``) a statement prepared on one server connection may run on another: psycopg 3
    must not prepare any (``prepare_threshold=None``), nor the card reader."""
    if app.config.get("DATABASE_PREPARED_STATEMENTS", True):
        return
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {**options.get("connect_args", {}), "prepare_threshold": None}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def register_extensions(app: Flask) -> None:
    from . import db_events  # noqa: F401  (SQLite pragmas on connect)
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale

    # JSON columns (the audit log's before/after) keep Chinese as it is, not as \uXXXX.
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("json_serializer", json_text)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            db_events.ping_when_idle(engine)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    from .serving import ratelimit_db  # registers the database:// storage
    app.config["RATELIMIT_STORAGE_URI"] = ratelimit_db.storage_uri(app.config)
    limiter.init_app(app)
    login_manager.init_app(app)
    from .serving import compression
    compression.install(app)  # its after_request runs last: it compresses the finished response
    from .auth.session import configure_login
    configure_login(login_manager)


def register_blueprints(app: Flask) -> None:
    from .web import BoundedIntConverter
    app.url_map.converters["int"] = BoundedIntConverter

    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .api.v1 import bp as api_v1_bp
    from .auth import bp as auth_bp
    from .card import bp as card_bp
    from .core import bp as core_bp
    from .grid import bp as grid_bp
    from .landlord import bp as landlord_bp
    from .outflow import bp as outflow_bp
    from .exchange import bp as exchange_bp
    from .pwa import bp as pwa_bp
    from .station import bp as station_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(grid_bp)
    app.register_blueprint(station_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_v1_bp)
    app.register_blueprint(pwa_bp)
    app.register_blueprint(card_bp)
    app.register_blueprint(landlord_bp)
    app.register_blueprint(outflow_bp)
    app.register_blueprint(exchange_bp)


def register_errorhandlers(app: Flask) -> None:
    from .core import reconnect
    from .core.errors import register
    register(app)
    reconnect.install(app)


def register_request_hooks(app: Flask) -> None:
    from .auth.session import enforce_idle_timeout, enforce_password_change
    from .core.headers import refuse_json_to_forms, refuse_nul_characters, set_security_headers

    app.before_request(refuse_nul_characters)
    app.before_request(refuse_json_to_forms)
    app.before_request(enforce_idle_timeout)
    app.before_request(enforce_password_change)
    app.after_request(set_security_headers)
    from .serving import https
    https.install(app)


def register_template_helpers(app: Flask) -> None:
    from .core.templating import register
    register(app)


def register_commands(app: Flask) -> None:
    from .cli import register
    register(app)


def register_job_kinds(app: Flask) -> None:
    """The functions ``flask jobs work`` runs, by kind (``services.jobs``): importing a
    module registers its kinds."""
    from .services.figures import recount  # noqa: F401
    from .services.registry import import_jobs  # noqa: F401
    from .services.outflow import ledger_import  # noqa: F401  (the outflow ledger, imported by import_jobs)
    from .services.exchange import outbox  # noqa: F401


def register_fast_paths(app: Flask) -> None:
    """The public card page, served in front of Flask's request handling (card.fast_path)."""
    from .card.fast_path import PublicCardPage
    app.wsgi_app = PublicCardPage(app)


def register_serving(app: Flask) -> None:
    """In front of everything: static files (hashed names, precompressed; WhiteNoise), and
    outermost the proxy's client address, so that every layer sees the real client."""
    from .serving import proxy, static_files
    static_files.install(app)
    proxy.install(app)
