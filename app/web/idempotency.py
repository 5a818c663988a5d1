"""``@idempotent``: a form's POST sent with an ``Idempotency-Key`` header (the phone's outbox,
``static/js/offline.js``) is saved once, however often it arrives; see
``services.common.idempotency``. Without the header the view runs as always."""
from __future__ import annotations

from functools import wraps

from flask import make_response, redirect, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..services.common import idempotency

HEADER = "Idempotency-Key"


def _plain(status: int, text: str):
    response = make_response(text, status)
    response.mimetype = "text/plain"
    return response


def _replay(stored):
    """The answer the first request got, again."""
    if stored.location:
        response = redirect(stored.location, stored.status or 303)
    else:
        response = make_response("", stored.status or 204)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST":
            return view(*args, **kwargs)
        if not idempotency.valid_key(key):
            return _plain(400, gettext("同步编号无效，请重新提交。"))
        fingerprint = idempotency.fingerprint(request.path, list(request.form.items(multi=True)))
        try:
            stored = idempotency.find(current_user.id, key, fingerprint)
        except idempotency.KeyReused:
            return _plain(422, gettext("这个同步编号已用于另一份内容不同的提交，未保存。"))
        if stored is not None:
            return _replay(stored)
        pending = idempotency.arm(current_user.id, key, fingerprint)
        try:
            response = make_response(view(*args, **kwargs))
        except IntegrityError:
            # The same submission, sent twice at once: the other request saved it first.
            db.session.rollback()
            idempotency.disarm()
            stored = idempotency.find(current_user.id, key, fingerprint)
            if stored is None:
                raise
            return _replay(stored)
        finally:
            idempotency.disarm()
        idempotency.record_answer(pending, response.status_code, response.headers.get("Location"))
        return response
    return wrapper
