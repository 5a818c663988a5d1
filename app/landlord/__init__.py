"""Landlords on their phones: their dwellings and tenants, confirming, reporting,
signing the responsibility agreement; and the invitation link that makes their account."""
from flask import Blueprint

bp = Blueprint("landlord", __name__, url_prefix="/landlord")

from . import invitation, views  # noqa: E402,F401
