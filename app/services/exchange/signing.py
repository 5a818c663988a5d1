"""Signing and verifying messages with the Standard Webhooks scheme (``webhook-id``,
``webhook-timestamp``, ``webhook-signature``: HMAC-SHA256 over ``id.timestamp.body``).

The crypto is the ``standardwebhooks`` package's. Over HTTP its own 5-minute window
applies; a bundle file carried by hand is older than that, so ``verify`` with a longer
``window`` checks the timestamp here and the signature with the package's ``sign``.
"""
from __future__ import annotations

import base64
import datetime as dt
import hmac
import secrets

from standardwebhooks import Webhook, WebhookVerificationError

SENDER_HEADER = "anju-sender"  # the sending deployment's county code: which peer's keys to try


def new_key() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def valid_key(key: str) -> bool:
    """``whsec_`` and the Base64 of at least 24 bytes (``new_key`` makes 32)."""
    if not key.startswith("whsec_"):
        return False
    try:
        Webhook(key)
        return len(base64.b64decode(key[6:] + "==")) >= 24
    except Exception:  # the package raises several kinds for bad base64 or an empty key
        return False


def headers(key: str, message_id: str, body: str, sender: str, now: dt.datetime) -> dict[str, str]:
    at = now.replace(tzinfo=dt.timezone.utc) if now.tzinfo is None else now
    return {"webhook-id": message_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(key).sign(message_id, at, body), SENDER_HEADER: sender,
            "content-type": "application/json"}


def verify(keys: list[str], body: str, given: dict, *, window: dt.timedelta | None = None,
           now: dt.datetime | None = None) -> bool:
    """Whether ``body`` with ``given`` headers was signed by one of ``keys`` within the
    window (the package's 5 minutes when ``window`` is None)."""
    lower = {k.lower(): v for k, v in given.items()}
    for key in keys:
        try:
            if window is None:
                Webhook(key).verify(body, lower, json_parse=False)
                return True
            if _verify_long(key, body, lower, window, now or dt.datetime.now(dt.timezone.utc)):
                return True
        except (WebhookVerificationError, ValueError, TypeError):
            continue
    return False


def _verify_long(key: str, body: str, given: dict, window: dt.timedelta, now: dt.datetime) -> bool:
    msg_id, stamp, signature = given.get("webhook-id"), given.get("webhook-timestamp"), given.get("webhook-signature")
    if not (msg_id and stamp and signature):
        return False
    at = dt.datetime.fromtimestamp(int(stamp), dt.timezone.utc)
    if not (now - window <= at <= now + dt.timedelta(minutes=5)):
        return False
    expected = Webhook(key).sign(msg_id, at, body).encode()
    return any(hmac.compare_digest(expected, part.encode()) for part in signature.split(" "))
