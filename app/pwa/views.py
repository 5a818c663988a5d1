import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, render_template, url_for
from flask_babel import gettext

from ..web import render
from . import bp

SHELL_STATIC = ("css/app.css", "vendor/htmx-2.0.4.min.js", "js/app.js", "icons/icon-192.png", "css/card.css",
                "js/card.js", "icons/icon.svg")


@lru_cache(maxsize=1)
def shell_version(static_folder: str) -> str:
    """A hash of the shell's files: when one changes, phones drop the old cache."""
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        digest.update((Path(static_folder) / name).read_bytes())
    return digest.hexdigest()[:12]


@bp.get("/manifest.webmanifest")
def manifest():
    data = {
        "name": gettext("安居 · 流动人口服务"),
        "short_name": gettext("安居"),
        "start_url": url_for("core.index"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b6e4f",
        "lang": "zh-CN",
        "icons": [
            {"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
    }
    response = current_app.response_class(current_app.json.dumps(data), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/sw.js")
def service_worker():
    """Served from the root so that its scope is the whole site."""
    shell = [url_for("pwa.offline")] + [url_for("static", filename=name) for name in SHELL_STATIC]
    body = render_template("pwa/sw.js", version=shell_version(current_app.static_folder), shell=shell,
                           offline=url_for("pwa.offline"))
    response = current_app.response_class(body, mimetype="application/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def offline():
    return render("pwa/offline.html")
