"""The migrant's card page, opened by scanning the QR code: no account, no app."""
from flask import Blueprint

bp = Blueprint("card", __name__)

from . import views  # noqa: E402,F401
