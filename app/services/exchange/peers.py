"""The peer directory and this deployment's identity (set by the admin)."""
from __future__ import annotations

import re

from sqlalchemy import select

from ...domain.text import N_
from ...extensions import db
from ...models import Peer
from ..admin import settings
from ..common import audit
from ..common.context import Actor
from ..common.errors import NotFound, ValidationFailed
from . import signing

PEER_FIELDS = ("name", "code", "prefixes", "base_url", "key", "next_key", "active")


def identity() -> tuple[str, str]:
    """(county code, county name) of this deployment; empty until the admin sets them."""
    return settings.get("exchange.county_code") or "", settings.get("exchange.county_name") or ""


def active() -> list[Peer]:
    return list(db.session.scalars(select(Peer).where(Peer.active.is_(True)).order_by(Peer.id)))


def all_peers() -> list[Peer]:
    return list(db.session.scalars(select(Peer).order_by(Peer.name)))


def by_code(code: str | None) -> Peer | None:
    if not code:
        return None
    return db.session.scalars(select(Peer).where(Peer.code == code, Peer.active.is_(True))).first()


def serving(area_code: str | None, peers: list[Peer]) -> Peer | None:
    """The peer whose prefixes cover ``area_code`` (the longest prefix wins); none for
    our own county."""
    code = (area_code or "").strip()
    own, _ = identity()
    if not code or (own and code.startswith(own)):
        return None
    best, length = None, 0
    for peer in peers:
        for prefix in peer.prefix_list:
            if code.startswith(prefix) and len(prefix) > length:
                best, length = peer, len(prefix)
    return best


def get(peer_id: int) -> Peer:
    peer = db.session.get(Peer, peer_id)
    if peer is None:
        raise NotFound(peer_id)
    return peer


def _clean(fields: dict) -> dict:
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items() if k in PEER_FIELDS}
    errors = {}
    if not data.get("name"):
        errors["name"] = N_("请填写名称")
    if not re.fullmatch(r"\d{6}", data.get("code") or ""):
        errors["code"] = N_("请填写对方县（区）的 6 位行政区划代码")
    prefixes = (data.get("prefixes") or "").replace(",", " ").replace("，", " ").split()
    if not prefixes or not all(re.fullmatch(r"\d{2,12}", p) for p in prefixes):
        errors["prefixes"] = N_("请填写对方管辖的行政区划代码前缀（数字，用空格分隔）")
    data["prefixes"] = " ".join(prefixes)
    url = data.get("base_url") or ""
    if url and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
        errors["base_url"] = N_("地址应以 https:// 开头")
    data["base_url"] = url.rstrip("/") or None
    for key in ("key", "next_key"):
        if data.get(key) and not signing.valid_key(data[key]):
            errors[key] = N_("密钥格式不正确（应为 whsec_ 开头的 Base64 文本）")
    if not data.get("key"):
        errors["key"] = N_("请填写签名密钥")
    data["next_key"] = data.get("next_key") or None
    if errors:
        raise ValidationFailed(errors)
    return data


def save(actor: Actor, fields: dict, peer_id: int | None = None) -> Peer:
    data = _clean(fields)
    peer = get(peer_id) if peer_id else Peer()
    same = db.session.scalars(select(Peer).where((Peer.name == data["name"]) | (Peer.code == data["code"]))).all()
    if any(p.id != peer.id for p in same):
        raise ValidationFailed({"name": N_("已有同名或同代码的对方部署")})
    before = None if peer_id is None else _shown(peer)
    for key, value in data.items():
        setattr(peer, key, value)
    db.session.add(peer)
    db.session.flush()
    audit.record(actor, "exchange.peer_save", "exchange_peer", peer.id, before, _shown(peer))
    db.session.commit()
    return peer


def _shown(peer: Peer) -> dict:
    """What the audit keeps of a peer: never its keys, only whether there are two."""
    return {"name": peer.name, "code": peer.code, "prefixes": peer.prefixes, "base_url": peer.base_url,
            "active": bool(peer.active), "keys": len(peer.keys)}
