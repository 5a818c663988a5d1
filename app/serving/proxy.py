"""The client's address and scheme behind a reverse proxy (werkzeug's ProxyFix).

``X-Forwarded-For`` is trusted only as far as the settings say: ``PROXY_FIX_X_FOR = 1``
means one proxy (nginx or Caddy on the same machine) sets it, and the address that proxy
saw is the client's. Anything a client wrote in the header itself is further left and
ignored. With the default 0, the header is not read at all: a server reached directly
(``make run``) uses the connection's own address, so nobody can dodge a login lockout or
a rate limit, or write someone else's address into the audit log, by sending the header.
Set one count per proxy in front (a load balancer and nginx: 2)."""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

HEADERS = ("for", "proto", "host", "port", "prefix")


def counts(config) -> dict[str, int]:
    return {f"x_{name}": int(config.get(f"PROXY_FIX_X_{name.upper()}", 0) or 0) for name in HEADERS}


def install(app: Flask) -> None:
    trusted = counts(app.config)
    if any(trusted.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **trusted)
