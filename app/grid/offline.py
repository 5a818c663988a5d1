"""What a coordinator's phone keeps for working offline (static/js/offline.js): the data
pack, the compact division names, and which pages the service worker may keep."""
from __future__ import annotations

from flask import current_app, jsonify, request
from flask_login import current_user

from ..models import Role
from ..services.registry import offline_pack
from ..web.lists import grid_choices
from ..services import scope
from ..web import roles_required
from . import bp

# The pages a coordinator can use without a signal; the service worker keeps the copies it
# is given (X-Offline-Page), and sign-out clears them with everything else on the phone.
OFFLINE_PAGES = {"grid.home", "grid.new_person", "grid.sweep", "grid.move_person", "grid.depart_person"}


@bp.after_app_request
def mark_offline_pages(response):
    if (request.method == "GET" and request.endpoint in OFFLINE_PAGES and response.status_code == 200
            and current_user.is_authenticated and current_user.role == Role.COORDINATOR.value
            and not request.headers.get("HX-Request")):
        response.headers["X-Offline-Page"] = "1"
    return response


@bp.get("/offline/pack")
@roles_required(Role.COORDINATOR)
def offline_data():
    names = dict(grid_choices(scope.grids(current_user)))
    response = jsonify(offline_pack.pack(current_user, names))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/offline/divisions")
@roles_required(Role.COORDINATOR)
def offline_divisions():
    response = current_app.response_class(current_app.json.dumps(offline_pack.division_names()),
                                          mimetype="application/json")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


