"""Processes for the operations tests: app servers (gunicorn with the project's settings) on
free loopback ports, and PgBouncer in transaction pooling mode in front of the test
database. They use the test database, so they need PostgreSQL (TEST_DATABASE_URL)."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests


ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code in (200, 503):
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise TimeoutError(url)


@pytest.fixture(scope="module")
def postgres(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL (the CI does)")
    return app.config["SQLALCHEMY_DATABASE_URI"]


@pytest.fixture(scope="module")
def app_server(app, tmp_path_factory):
    """``app_server(DATABASE_URL=…, **env)`` starts gunicorn (2 workers) and returns its base URL.
    Its SECRET_KEY is the test app's, so that cards issued in the test open there. The servers
    last for the module (they keep no state: each test's data is made and emptied as usual)."""
    tmp_path = tmp_path_factory.mktemp("servers")
    started = []

    def start(**env) -> str:
        port = free_port()
        log = tmp_path / f"server-{port}.log"
        environment = {**os.environ, "SECRET_KEY": app.config["SECRET_KEY"], "BIND": f"127.0.0.1:{port}", "WORKERS": "2",
                       "STATIC_BUILD_FOLDER": str(tmp_path / "static"), **env}
        environment.pop("JOBS_RUNNER", None)
        with open(log, "w") as out:
            process = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                                       env=environment, stdout=out, stderr=subprocess.STDOUT)
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(base + "/healthz")
        except TimeoutError:
            raise AssertionError(log.read_text()) from None
        return base
    yield start
    for process in started:
        process.terminate()
    for process in started:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def pgbouncer(postgres):
    """PgBouncer (Debian's package) in transaction pooling mode on a free port, in front of the
    test database; returns the database URL through it. Two server connections for many
    clients, so that consecutive transactions of one client land on different ones."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not os.path.exists(binary):
        pytest.skip("pgbouncer not installed (apt-get install pgbouncer; the CI does)")
    url = urlsplit(postgres.replace("postgresql+psycopg://", "postgresql://"))
    user, dbname, password = url.username or "postgres", url.path.lstrip("/"), url.password or ""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    # Clients are trusted (only this test connects); PgBouncer logs in to PostgreSQL with the
    # test URL's password, if it has one.
    (folder / "users.txt").write_text(f'"{user}" "{password}"\n')
    server_login = f" user={user}" + (f" password={password}" if password else "")
    (folder / "pgbouncer.ini").write_text(f"""[databases]
{dbname} = host={url.hostname or '127.0.0.1'} port={url.port or 5432} dbname={dbname}{server_login}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/users.txt
pool_mode = transaction
default_pool_size = 2
max_client_conn = 200
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = {folder}/pgbouncer.log
pidfile = {folder}/pgbouncer.pid
""")
    command = [binary, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        shutil.chown(folder, "postgres")
        for f in folder.iterdir():
            shutil.chown(f, "postgres")
        command = ["runuser", "-u", "postgres", "--", *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        if process.poll() is not None:
            raise AssertionError((folder / "pgbouncer.log").read_text() if (folder / "pgbouncer.log").exists() else "")
        time.sleep(0.1)
    yield f"postgresql+psycopg://{user}{':' + password if password else ''}@127.0.0.1:{port}/{dbname}"
    process.terminate()
    process.wait(10)
    shutil.rmtree(folder, ignore_errors=True)


class Browser:
    """A client with its own cookies that fills in the CSRF token, as a browser would."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()

    def get(self, path: str, **kwargs):
        return self.http.get(self.base + path, allow_redirects=False, timeout=30, **kwargs)

    def post_form(self, path: str, data: dict, form_page: str | None = None):
        page = self.get(form_page or path).text
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
        if token is None:
            token = re.search(r'"X-CSRFToken": "([^"]+)"', page)
        return self.http.post(self.base + path, data={"csrf_token": token.group(1), **data}, allow_redirects=False,
                              timeout=30)

    def log_in(self, username: str, password: str):
        return self.post_form("/auth/login", {"username": username, "password": password})
