"""The exchange between deployments: the receiving endpoint, the station's 协查 page and
monitor, and the admin's peer directory, outbox and bundle files."""
from flask import Blueprint

bp = Blueprint("exchange", __name__, url_prefix="/exchange")

from . import admin, endpoint, work  # noqa: E402,F401
