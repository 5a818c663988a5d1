"""HTML, JSON and the service worker compressed in the app (Flask-Compress), brotli for the
browsers that take it and gzip for the others.

In the app rather than in the proxy because the default install has no proxy (``make
run`` on a station's own machine serves phones directly), so the page-weight budgets must
hold without one; because Debian's nginx brotli module is a separate, third-party package
and Caddy compresses with gzip and zstd only; and because it costs little: a 20 KB page
compresses in about 0.2 ms at brotli level 4, against the page's own milliseconds. A proxy
in front passes the compressed body through (its own ``gzip`` should stay off for
proxied pages, deploy/nginx.conf).

Static files are not compressed here: WhiteNoise sends their precompressed copies
(``static_files``). The public card page, written before Flask (``card.fast_path``),
compresses its body with ``compress_body``.

Pages are compressed even though they carry a CSRF token (BREACH): the token Flask-WTF
puts in a page is signed with a timestamp and changes every second, search text goes in
request bodies (never reflected from the URL), and pages with personal data are only sent
to signed-in staff over TLS (docs/deploy.md).
"""
from __future__ import annotations

import gzip

import brotli
from flask import Flask
from flask_compress import Compress

MIMETYPES = ["text/html", "application/json", "application/javascript", "text/javascript",
             "application/manifest+json", "text/css", "image/svg+xml", "text/csv", "text/plain"]

compress = Compress()


def install(app: Flask) -> None:
    """Compress Flask's responses, unless ``COMPRESS_HTML`` is off (a proxy does it)."""
    if not app.config.get("COMPRESS_HTML", True):
        return
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)
    app.config.setdefault("COMPRESS_LEVEL", 6)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    compress.init_app(app)


def choose(accept_encoding: str) -> str | None:
    """``br`` or ``gzip`` as the browser accepts them (``q=0`` refuses one), else None."""
    accepted = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        accepted[name.strip()] = q
    for name in ("br", "gzip"):
        if accepted.get(name, accepted.get("*", 0.0)) > 0:
            return name
    return None


def compress_body(body: bytes, accept_encoding: str, level_br: int = 4, level_gzip: int = 6
                  ) -> tuple[bytes, str | None]:
    """``body`` compressed for this Accept-Encoding, and the Content-Encoding (None: as is)."""
    if len(body) < 500:
        return body, None
    encoding = choose(accept_encoding)
    if encoding == "br":
        return brotli.compress(body, quality=level_br), "br"
    if encoding == "gzip":
        return gzip.compress(body, level_gzip, mtime=0), "gzip"
    return body, None
