"""The integration API (``/api/v1/``): JSON for other systems, with a published contract.

Token authentication only (``Authorization: Bearer anju_…``): no session cookie, no CSRF
(nothing here is sent by a browser form). Every call with a token is in the audit log.
Errors are RFC 9457 problem details. The OpenAPI document is ``/api/v1/openapi.json``.
"""
from flask import Blueprint

from ...extensions import csrf

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

from . import auth, views  # noqa: E402,F401
