"""Default configuration; ``instance/config.py`` and the environment override it."""
from __future__ import annotations

import datetime as dt
import os


class Config:
    SECRET_KEY = "dev-only-change-me"
    SQLALCHEMY_DATABASE_URI = None  # set in create_app: DATABASE_URL or instance/anju.db
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh": "简体中文", "en": "English"}
    TIMEZONE = "Asia/Shanghai"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = dt.timedelta(minutes=30)
    IDLE_TIMEOUT = dt.timedelta(minutes=30)
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT = dt.timedelta(minutes=15)

    WTF_CSRF_TIME_LIMIT = None  # the session's idle timeout already bounds it
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN = "30 per minute"

    # Cards: the public address printed in QR codes (default: the address the page was
    # requested on) and the key of the hashes of card secrets (default: SECRET_KEY).
    CARD_BASE_URL = None
    CARD_KEY = None

    PAGE_SIZE = 20
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024

    # Text messages (services.sms): "console" keeps them in the outbox and the log, "http"
    # posts them to a provider. The URL, body template and auth header are secrets: set them
    # here, in instance/config.py or the environment, never in the admin's settings table.
    SMS_BACKEND = "console"
    SMS_HTTP_URL = None
    SMS_HTTP_TEMPLATE = None
    SMS_HTTP_AUTH_HEADER = None
    SMS_HTTP_TIMEOUT = 10


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    SECRET_KEY = "test"


def from_environment() -> dict:
    """Settings taken from the environment, for deployments (12-factor)."""
    out = {}
    if os.environ.get("DATABASE_URL"):
        out["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    if os.environ.get("SECRET_KEY"):
        out["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("RATELIMIT_STORAGE_URI"):
        out["RATELIMIT_STORAGE_URI"] = os.environ["RATELIMIT_STORAGE_URI"]
    for key in ("SMS_BACKEND", "SMS_HTTP_URL", "SMS_HTTP_TEMPLATE", "SMS_HTTP_AUTH_HEADER", "SMS_HTTP_TIMEOUT"):
        if os.environ.get(key):
            out[key] = os.environ[key]
    return out


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for ``postgres://`` and ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
