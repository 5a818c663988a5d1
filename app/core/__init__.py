"""Pages every audience shares: home redirect, health check, language switch."""
from flask import Blueprint

bp = Blueprint("core", __name__)

from . import views  # noqa: E402,F401
