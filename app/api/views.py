from flask import jsonify, request

from ..domain import divisions
from . import bp


@bp.get("/divisions")
def division_children():
    """Children of a division code (provinces without ``parent``); public reference data."""
    parent = (request.args.get("parent") or "").strip() or None
    if parent and divisions.get(parent) is None:
        return jsonify(error="unknown division", parent=parent), 404
    return jsonify([{"code": d.code, "name": d.name} for d in divisions.children(parent)])


@bp.get("/divisions/<code>")
def division(code: str):
    status = divisions.status(code)
    return jsonify(code=divisions.normalise_code(code), status=status.value, name=divisions.full_name(code),
                   lineage=[{"code": d.code, "name": d.name} for d in divisions.lineage(code)])
