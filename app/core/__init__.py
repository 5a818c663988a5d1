"""Pages every audience shares: home redirect, health check, language switch, job progress."""
from flask import Blueprint

bp = Blueprint("core", __name__)

from . import jobs, views  # noqa: E402,F401
