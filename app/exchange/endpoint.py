"""``POST /exchange/inbox``: where peers deliver. No session, no CSRF token: the Standard
Webhooks signature is the authentication, checked before anything is stored."""
from __future__ import annotations

from flask import current_app, jsonify, request

from ..extensions import csrf, limiter
from ..services.exchange import inbox
from . import bp


@bp.post("/inbox")
@csrf.exempt
@limiter.exempt
def receive():
    limit = current_app.config.get("EXCHANGE_MAX_BODY_BYTES", 65536)
    if request.content_length is not None and request.content_length > limit:
        return jsonify(status=413, reason=f"body over {limit} bytes"), 413
    result = inbox.receive(request.get_data(cache=False), dict(request.headers))
    return jsonify(status=result.status, reason=result.reason), result.status


@bp.post("/batch")
@csrf.exempt
@limiter.exempt
def receive_batch():
    """Several messages in one signed POST (docs/exchange.md): the answer lists the inner
    ids accepted (stored now or before) and those refused, with why."""
    limit, _ = inbox.max_batch()
    if request.content_length is not None and request.content_length > limit:
        return jsonify(status=413, reason=f"body over {limit} bytes"), 413
    result = inbox.receive_batch(request.get_data(cache=False), dict(request.headers))
    return jsonify(result.answer()), result.status
