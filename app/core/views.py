from flask import abort, current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user

from .. import i18n
from ..extensions import csrf
from ..web import safe_next, same_site_request
from . import bp, health


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role == "admin":
        return redirect(url_for("admin.index"))
    if current_user.role in ("supervisor", "health"):
        return redirect(url_for("station.index"))
    if current_user.role == "landlord":
        return redirect(url_for("landlord.home"))
    return redirect(url_for("grid.home"))


@bp.get("/healthz")
@csrf.exempt
def healthz():
    body, status = health.check()
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/lang")
@csrf.exempt  # a display preference; keeps public pages free of sessions and tokens
def set_language():
    if not same_site_request():  # another site may not switch it (nor bounce through it)
        abort(403)
    lang = request.form.get("lang")
    response = redirect(safe_next(request.form.get("next"), url_for("core.index")))
    if lang in current_app.config["LANGUAGES"]:
        session.pop("lang", None)
        i18n.remember(response, lang)
    return response
