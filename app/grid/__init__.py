"""The coordinators' work app: my grids, people, dwellings, the review queue.

Supervisors and admins use the same pages; what each one sees is cut by
``services.scope``.
"""
from flask import Blueprint

bp = Blueprint("grid", __name__, url_prefix="/grid")

from . import cards, dwellings, home, people, pickers, queue  # noqa: E402,F401
from . import ledger, sweeps  # noqa: E402,F401  (rental housing)
from . import export  # noqa: E402,F401
from . import offline  # noqa: E402,F401  (working without a signal)
