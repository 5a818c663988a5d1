"""The service station: the township's overview for supervisors and health workers."""
from flask import Blueprint

bp = Blueprint("station", __name__, url_prefix="/station")

from . import appointments, notices, outbox, services, views  # noqa: E402,F401
from . import sweeps  # noqa: E402,F401  (monthly sweep coverage)
from . import kpi  # noqa: E402,F401
from . import quality  # noqa: E402,F401
from . import monthly  # noqa: E402,F401
from . import imports  # noqa: E402,F401
from . import staff  # noqa: E402,F401
from . import audits  # noqa: E402,F401
