"""Static files with content-hashed names, cached for a year and sent precompressed.

``css/app.css`` is served as ``/static/css/app.3f9c1e0b7a2d.css``: the name changes when the
content does, so browsers may keep it for a year without asking again
(``Cache-Control: public, max-age=31536000, immutable``: no revalidation round trips on a
slow connection). At start-up the app hashes ``app/static`` (a few milliseconds), writes the
hashed copies it does not have yet into ``STATIC_BUILD_FOLDER`` (``instance/static`` by
default) with gzip and brotli versions beside them (WhiteNoise's compressor, at the highest
levels: done once per content), and WhiteNoise serves them in front of Flask, choosing
``.br`` or ``.gz`` from the browser's Accept-Encoding. The copies are named by content, so
several workers starting at once write the same files (each through a temporary name).

``url_for('static', filename='css/app.css')`` gives the hashed URL everywhere (a URL
default), the card pages' renderer included; ``shell_urls`` in ``pwa.views`` lists the
ones the service worker caches. The plain names still work (an old page, a bookmark), with
a one-minute cache. ``flask static build`` does the writing ahead of time (deployments).
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

log = logging.getLogger(__name__)

IMMUTABLE = "public, max-age=31536000, immutable"
HASH_LENGTH = 12
HASHED_NAME = re.compile(r"\.[0-9a-f]{%d}\.[A-Za-z0-9]+$" % HASH_LENGTH)
SKIP = (".gz", ".br")  # never hash a precompressed file of the source tree itself


@dataclass(frozen=True)
class Manifest:
    """``{"css/app.css": "css/app.3f9c1e0b7a2d.css", …}`` for the files of ``source``."""

    source: Path
    names: dict[str, str]

    def hashed(self, filename: str) -> str:
        return self.names.get(filename, filename)


def hashed_name(relative: str, content: bytes) -> str:
    stem, dot, ext = relative.rpartition(".")
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    return f"{stem}.{digest}.{ext}" if dot and "/" not in ext else f"{relative}.{digest}"


def read_manifest(source: Path) -> Manifest:
    names = {}
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.name.startswith(".") and not path.name.endswith(SKIP):
            relative = path.relative_to(source).as_posix()
            names[relative] = hashed_name(relative, path.read_bytes())
    return Manifest(source, names)


def build(manifest: Manifest, target: Path) -> list[str]:
    """Write the hashed copies (and their .gz/.br) missing from ``target``; returns their names."""
    compressor = Compressor(quiet=True)
    written = []
    for relative, hashed in manifest.names.items():
        out = target / hashed
        if out.exists():
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=out.parent, prefix=".build-") as tmp:
            staged = Path(tmp) / out.name
            shutil.copyfile(manifest.source / relative, staged)
            variants = compressor.compress(str(staged)) if compressor.should_compress(out.name) else []
            for variant in variants:  # the compressed files first: the plain file marks it done
                os.replace(variant, out.parent / Path(variant).name)
            os.replace(staged, out)
        written.append(hashed)
    return written


def _headers(headers, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"
    if HASHED_NAME.search(url):
        headers["Cache-Control"] = IMMUTABLE


def install(app: Flask) -> Manifest:
    """Hash and build the static files, give ``url_for('static')`` the hashed names, and put
    WhiteNoise in front of ``app.wsgi_app``."""
    source = Path(app.static_folder)
    target = Path(app.config.get("STATIC_BUILD_FOLDER") or Path(app.instance_path) / "static")
    manifest = read_manifest(source)
    written = build(manifest, target)
    if written:
        log.info("static files: wrote %d hashed copies to %s", len(written), target)
    app.extensions["anju.static_manifest"] = manifest

    @app.url_defaults
    def hashed_static(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["filename"] = manifest.hashed(values["filename"])

    prefix = app.static_url_path.strip("/") + "/"
    server = WhiteNoise(app.wsgi_app, max_age=60, add_headers_function=_headers,
                        immutable_file_test=lambda path, url: bool(HASHED_NAME.search(url)))
    server.add_files(str(source), prefix=prefix)  # plain names: old pages, bookmarks (a minute)
    server.add_files(str(target), prefix=prefix)  # hashed names: a year
    app.wsgi_app = server
    return manifest


def static_name(app: Flask, filename: str) -> str:
    """The hashed name of a static file (for URLs built without ``url_for``)."""
    manifest = app.extensions.get("anju.static_manifest")
    return manifest.hashed(filename) if manifest else filename
