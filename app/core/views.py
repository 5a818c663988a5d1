from flask import current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from ..extensions import csrf, db
from ..web import safe_next
from . import bp


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
    try:
        db.session.execute(text("SELECT 1"))
        database, status = "ok", 200
    except Exception as exc:  # the check reports, it does not crash
        current_app.logger.warning("health check: database unavailable: %s", type(exc).__name__)
        database, status = "unavailable", 503
    return jsonify(status="ok" if status == 200 else "degraded", database=database), status


@bp.post("/lang")
@csrf.exempt  # a display preference; keeps public pages free of sessions and tokens
def set_language():
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next"), url_for("core.index")))
