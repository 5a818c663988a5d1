"""Every call carries an integration's token; every call with one is audited."""
from __future__ import annotations

from flask import g, request
from flask_babel import gettext

from ...extensions import db
from ...services.common.context import Actor
from ...services.integration import tokens
from . import bp
from .problems import Problem

PUBLIC = {"api_v1.openapi"}  # the contract itself is not a secret


def bearer_secret() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else None


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC:
        return
    token = tokens.authenticate(bearer_secret())
    if token is None:
        raise Problem(401, gettext("需要有效的接口令牌"),
                      gettext("请在 Authorization 请求头中以 Bearer 方式发送管理员创建的令牌；令牌可能已被撤销。"),
                      code="unauthorized", headers={"WWW-Authenticate": 'Bearer realm="anju"'})
    g.api_token = token
    g.api_audit = {}
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype != "application/json":
        raise Problem(415, gettext("请以 JSON 提交"), gettext("请求体须为 application/json。"),
                      code="unsupported_media_type")


@bp.after_request
def audit_call(response):
    token = g.pop("api_token", None)
    if token is not None:
        if response.status_code >= 400:
            db.session.rollback()  # a refusal leaves nothing half-written behind
        tokens.record_call(token, request.remote_addr, (request.endpoint or "unknown").rsplit(".", 1)[-1],
                           response.status_code, g.pop("api_audit", None))
    return response


def current_token():
    return g.api_token


def actor() -> Actor:
    return Actor(user_id=None, label=current_token().label, ip=request.remote_addr)


def require_write() -> None:
    if not current_token().may_write:
        raise Problem(403, gettext("令牌只有只读权限"), gettext("登记需要读写权限的令牌，请联系系统管理员。"),
                      code="read_only_token")


def note(**details) -> None:
    """What the audit entry of this call says besides the status: record keys and counts."""
    g.api_audit.update(details)
