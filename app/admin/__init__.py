"""The admin's pages: areas, users, the audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import service_types, views  # noqa: E402,F401
from . import agreements  # noqa: E402,F401  (responsibility agreement templates)
