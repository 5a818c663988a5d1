from flask import current_app, render_template, send_from_directory, url_for
from flask_babel import gettext

from ..web import render
from . import bp

# Bump when the shell's files change so that phones drop the old cache.
SHELL_VERSION = "2"


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
    shell = [url_for("pwa.offline"), url_for("static", filename="css/app.css"),
             url_for("static", filename="vendor/htmx-2.0.4.min.js"), url_for("static", filename="js/app.js"),
             url_for("static", filename="icons/icon-192.png"), url_for("static", filename="css/card.css"),
             url_for("static", filename="js/card.js")]
    body = render_template("pwa/sw.js", version=SHELL_VERSION, shell=shell, offline=url_for("pwa.offline"))
    response = current_app.response_class(body, mimetype="application/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def offline():
    return render("pwa/offline.html")
