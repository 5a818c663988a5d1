"""The admin's pages: areas, users, the audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import audit, service_types, views  # noqa: E402,F401
from . import agreements  # noqa: E402,F401  (responsibility agreement templates)
from . import api_tokens  # noqa: E402,F401  (integration tokens of the JSON API)
from . import calendar  # noqa: E402,F401  (holidays and 调休 working days)
