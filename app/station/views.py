from flask_login import current_user

from ..domain.clock import local_today
from ..services.health import appointments
from ..services.registry import reviews, search
from ..web import render, roles_required
from . import bp


@bp.get("/")
@roles_required("supervisor", "health", "admin")
def index():
    today = local_today()
    is_reviewer = current_user.role in ("supervisor", "admin")
    return render("station/index.html", counts=search.counts(current_user, today),
                  grids=search.grid_summaries(current_user, today),
                  pending=len(reviews.pending(current_user)) if is_reviewer else 0,
                  is_reviewer=is_reviewer, services=appointments.summary(current_user, today))
