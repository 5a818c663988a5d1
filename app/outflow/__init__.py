"""The origin's side: the outflow register (流出人口) and the left-behind lists (留守)."""
from flask import Blueprint

bp = Blueprint("outflow", __name__, url_prefix="/outflow")

from . import imports, views  # noqa: E402,F401
