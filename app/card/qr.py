"""QR codes of card URLs, as SVG data URIs for ``<img>`` (no inline SVG, strict CSP)."""
from __future__ import annotations

import base64

import qrcode
from qrcode.image.svg import SvgPathFillImage
from flask import current_app, request


def card_url(token: str) -> str:
    """Upper case throughout, so that the QR code uses alphanumeric mode (a smaller code)."""
    base = current_app.config.get("CARD_BASE_URL") or request.host_url
    return f"{base.rstrip('/')}/C/{token}".upper()


def svg_data_uri(text: str) -> str:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, image_factory=SvgPathFillImage)
    qr.add_data(text)
    qr.make(fit=True)
    svg = qr.make_image().to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
