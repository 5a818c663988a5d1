import hashlib

from flask import current_app, jsonify, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..web import render
from . import bp, texts

SHELL_STATIC = ("css/app.css", "vendor/htmx-2.0.4.min.js", "js/app.js", "icons/icon-192.png", "icons/icon.svg",
                "vendor/idb-keyval-6.3.0.umd.js", "js/idcard.js", "js/offline.js")
CARD_STATIC = ("css/card.css", "js/card.js", "icons/icon.svg")  # all a card page loads


def shell_urls(names=SHELL_STATIC) -> list[str]:
    """The static URLs the service worker caches: content-hashed names
    (``serving.static_files``), the same ones the pages link to."""
    return [url_for("static", filename=name) for name in names]


def shell_version(urls: list[str]) -> str:
    """Changes whenever a shell file does (its hashed name does): phones drop the old cache."""
    return hashlib.sha256("\n".join(urls).encode()).hexdigest()[:12]


@bp.get("/manifest.webmanifest")
def manifest():
    data = {
        "id": url_for("core.index"),  # the app's identity, whatever start_url becomes
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
            # full bleed, the house inside the safe zone (a circle of 40 % radius): icons/icon-maskable.svg
            {"src": url_for("static", filename="icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
    }
    response = current_app.response_class(current_app.json.dumps(data), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/sw.js")
def service_worker():
    """Served from the root so that its scope is the whole site."""
    assets = shell_urls()
    shell = [url_for("pwa.offline")] + assets
    body = render_template("pwa/sw.js", version=shell_version(assets), shell=shell, offline=url_for("pwa.offline"),
                           texts=url_for("pwa.offline_texts_script"))
    response = current_app.response_class(body, mimetype="application/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/card-sw.js")
def card_worker():
    """The card pages' own worker: a migrant's first scan fetches nothing of the staff app."""
    assets = shell_urls(CARD_STATIC)
    no_copy = render_template("pwa/card_offline.html")
    body = render_template("pwa/card_sw.js", version=shell_version(assets), assets=assets, no_copy=no_copy)
    response = current_app.response_class(body, mimetype="application/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline/session")
def offline_session():
    """Who is signed in, and a fresh CSRF token: the phone's outbox sends what it queued only
    as the user who typed it (static/js/offline.js)."""
    user = current_user.id if current_user.is_authenticated else None
    response = jsonify({"user": user, "csrf": generate_csrf() if user else None})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/offline/texts.js")
def offline_texts_script():
    """The offline bar's texts; the page links it with its language and version."""
    response = current_app.response_class(texts.script(texts.offline_texts()), mimetype="application/javascript")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.vary.add("Cookie")
    return response


@bp.app_context_processor
def offline_texts_url():
    return {"offline_texts_args": texts.version}


@bp.get("/offline")
def offline():
    return render("pwa/offline.html")
