"""Default configuration; ``instance/config.py`` and the environment override it."""
from __future__ import annotations

import datetime as dt
import os


class Config:
    SECRET_KEY = "dev-only-change-me"
    SQLALCHEMY_DATABASE_URI = None  # set in create_app: DATABASE_URL or instance/anju.db
    # No pool_pre_ping: db_events.ping_when_idle checks only connections idle for a while.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # False behind PgBouncer in transaction pooling mode (docs/scaling.md): no server-side
    # prepared statements (psycopg 3's prepare_threshold=None, the card reader's too).
    DATABASE_PREPARED_STATEMENTS = True

    # The exchange between deployments (services.exchange, docs/exchange.md).
    EXCHANGE_MAX_BODY_BYTES = 64 * 1024  # one message; larger is refused with 413
    EXCHANGE_MAX_BATCH_BYTES = 2 * 1024 * 1024  # a batch (POST /exchange/batch); larger: 413
    EXCHANGE_MAX_BATCH_MESSAGES = 500  # messages in one batch; more: 413
    EXCHANGE_SEND_BATCH = 100  # messages this deployment puts in one batch
    EXCHANGE_MAX_BUNDLE_BYTES = 50 * 1024 * 1024
    EXCHANGE_BUNDLE_DAYS = 30  # a bundle file's signatures are accepted this long (carried by hand)
    EXCHANGE_TIMEOUT_SECONDS = 10
    EXCHANGE_RETRY_SECONDS = 30  # the first retry's wait, doubled for each further one (at most an hour)

    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh": "简体中文", "en": "English"}
    TIMEZONE = "Asia/Shanghai"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # True: always Secure; otherwise Secure whenever served over HTTPS (serving.https)
    PERMANENT_SESSION_LIFETIME = dt.timedelta(minutes=30)
    IDLE_TIMEOUT = dt.timedelta(minutes=30)
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT = dt.timedelta(minutes=15)
    # Failures from one IP address (any accounts) before it may not try for the window's rest.
    LOGIN_IP_MAX_FAILURES = 20
    LOGIN_IP_WINDOW = dt.timedelta(minutes=15)

    WTF_CSRF_TIME_LIMIT = None  # the session's idle timeout already bounds it
    # Over HTTPS Flask-WTF also wants a Referer from this host, but every page is sent with
    # Referrer-Policy: no-referrer (the card page's URL is its key), so browsers send none and
    # every form would be refused behind TLS. The session's CSRF token and the SameSite=Lax
    # cookie protect the forms; HSTS (includeSubDomains, deploy/nginx) covers the cookie
    # injection over plain HTTP that the referrer check guards against.
    WTF_CSRF_SSL_STRICT = False
    # Redis when set (or REDIS_URL); otherwise counters in the database (serving.ratelimit_db),
    # shared by every worker. memory:// counts per worker process: for tests only.
    RATELIMIT_STORAGE_URI = None
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN = "30 per minute"

    # Cards: the public address printed in QR codes (default: the address the page was
    # requested on) and the key of the hashes of card secrets (default: SECRET_KEY).
    CARD_BASE_URL = None
    CARD_KEY = None

    PAGE_SIZE = 20
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024

    # Text messages (services.health.sms): "console" keeps them in the outbox and the log, "http"
    # posts them to a provider. The URL, body template and auth header are secrets: set them
    # here, in instance/config.py or the environment, never in the admin's settings table.
    SMS_BACKEND = "console"
    SMS_HTTP_URL = None
    SMS_HTTP_TEMPLATE = None
    SMS_HTTP_AUTH_HEADER = None
    SMS_HTTP_TIMEOUT = 10

    # Reverse proxies in front whose X-Forwarded-* headers are trusted (serving.proxy): 0
    # (the default) trusts none, a server behind one nginx or Caddy sets PROXY_FIX_X_FOR = 1
    # and PROXY_FIX_X_PROTO = 1.
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    PROXY_FIX_X_HOST = 0
    PROXY_FIX_X_PORT = 0
    PROXY_FIX_X_PREFIX = 0

    # Pages compressed by the app (serving.compression); False when a proxy does it.
    COMPRESS_HTML = True
    # Where the hashed, precompressed copies of app/static are written (default instance/static).
    STATIC_BUILD_FOLDER = None

    # Backups (flask backup create): where archives go (default instance/backups) and which
    # folders of uploaded files under instance/ they keep.
    BACKUP_FOLDER = None
    BACKUP_FOLDERS = ("imports",)

    # Background jobs (services.jobs, ``flask jobs work``): how often an idle runner looks
    # for work, how often a running job's heartbeat renews its lease and writes its
    # progress, after how long without one another runner takes the job back, how long a
    # stopping runner lets its job finish, how long finished jobs are kept.
    JOBS_POLL_SECONDS = 1.0
    JOBS_HEARTBEAT_SECONDS = 3.0
    JOBS_LEASE_SECONDS = 60
    JOBS_STOP_GRACE_SECONDS = 20
    JOBS_KEEP_DAYS = 30


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
    for key in ("SMS_BACKEND", "SMS_HTTP_URL", "SMS_HTTP_TEMPLATE", "SMS_HTTP_AUTH_HEADER", "SMS_HTTP_TIMEOUT",
                "CARD_BASE_URL", "CARD_KEY", "REDIS_URL", "STATIC_BUILD_FOLDER", "BACKUP_FOLDER"):
        if os.environ.get(key):
            out[key] = os.environ[key]
    for key in INTEGER_SETTINGS:
        if os.environ.get(key):
            out[key] = int(os.environ[key])
    for key in BOOLEAN_SETTINGS:
        if os.environ.get(key):
            out[key] = os.environ[key].strip().lower() in ("1", "true", "yes", "on")
    return out


INTEGER_SETTINGS = ("PROXY_FIX_X_FOR", "PROXY_FIX_X_PROTO", "PROXY_FIX_X_HOST", "PROXY_FIX_X_PORT",
                    "PROXY_FIX_X_PREFIX", "JOBS_LEASE_SECONDS", "JOBS_STOP_GRACE_SECONDS", "JOBS_KEEP_DAYS",
                    "EXCHANGE_MAX_BODY_BYTES", "EXCHANGE_MAX_BATCH_BYTES", "EXCHANGE_MAX_BATCH_MESSAGES",
                    "EXCHANGE_SEND_BATCH", "EXCHANGE_TIMEOUT_SECONDS", "EXCHANGE_RETRY_SECONDS")
BOOLEAN_SETTINGS = ("COMPRESS_HTML", "DATABASE_PREPARED_STATEMENTS", "SESSION_COOKIE_SECURE")


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for ``postgres://`` and ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
