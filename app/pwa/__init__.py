"""The installable app: web manifest, service worker and offline page, from the site root."""
from flask import Blueprint

bp = Blueprint("pwa", __name__)

from . import views  # noqa: E402,F401
