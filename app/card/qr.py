"""QR codes of card URLs, as SVG data URIs for ``<img>`` (no inline SVG, strict CSP)."""
from __future__ import annotations

import base64

import qrcode
from qrcode.image.svg import SvgPathFillImage
from flask import current_app, request


def base_url() -> str:
    return (current_app.config.get("CARD_BASE_URL") or request.host_url).rstrip("/")


def card_url(token: str) -> str:
    """Upper case throughout, so that the QR code uses alphanumeric mode (a smaller code)."""
    return f"{base_url()}/C/{token}".upper()


def code_entry_url() -> str:
    """Where to type a card's short code, printed on the back of the card."""
    return base_url().split("://", 1)[-1] + "/c"


def svg_data_uri(text: str) -> str:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, image_factory=SvgPathFillImage)
    qr.add_data(text)
    qr.make(fit=True)
    svg = qr.make_image().to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
