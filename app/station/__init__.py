"""The service station: the township's overview for supervisors and health workers."""
from flask import Blueprint

bp = Blueprint("station", __name__, url_prefix="/station")

from . import appointments, notices, outbox, services, views  # noqa: E402,F401
