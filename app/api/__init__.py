"""JSON endpoints: read-only reference data for forms and other systems."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from . import views  # noqa: E402,F401
