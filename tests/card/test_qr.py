"""The QR code on a printed card decodes to that card's URL."""
import base64
import re

import cv2
import numpy as np
import qrcode

from app.card.qr import card_url, svg_data_uri
from tests.conftest import make_valid_id


def _raster_from_svg_path(svg: bytes) -> np.ndarray:
    """Rasterise qrcode's SVG path (unit squares 'Mx,yHx+1Vy+1Hxz') without a renderer."""
    text = svg.decode()
    size = int(float(re.search(r'viewBox="0 0 ([\d.]+)', text).group(1)))
    modules = np.full((size, size), 255, dtype=np.uint8)
    for x, y in re.findall(r"M(\d+),(\d+)H", text):
        modules[int(y), int(x)] = 0
    return np.kron(modules, np.ones((8, 8), dtype=np.uint8))


def decode(image: np.ndarray) -> str:
    """OpenCV's classic detector misses about 1 code in 50 of these (a finder pattern it
    does not locate); its ArUco-based one reads those. A phone's camera app reads both."""
    for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
        text = detector.detectAndDecode(image)[0]
        if text:
            return text
    return ""


def test_printed_sheet_qr_codes_decode_to_card_urls(login, world, app):
    c = login("coordinator")
    c.post("/grid/people/new", data={"id_number": make_valid_id(seq=500), "name": "扫码", "ethnicity": "01",
                                     "grid_id": str(world.grid_a1.id), "arrived_on": "2026-11-01"})
    html = c.post("/grid/cards/print", data={"grid_id": str(world.grid_a1.id)}).data.decode()
    uris = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert len(uris) == 1
    img = _raster_from_svg_path(base64.b64decode(uris[0]))
    url = decode(img)
    assert url, "the QR code did not decode"
    assert re.fullmatch(r"HTTP://LOCALHOST/C/[A-Z2-7]{27,}", url), url
    # and that URL opens the card
    anon = app.test_client()
    r = anon.get(url.split("LOCALHOST", 1)[1])
    assert r.status_code == 200 and "扫*" in r.data.decode()


def test_card_url_uses_qr_alphanumeric_mode(app):
    with app.test_request_context("/", base_url="http://anju.example"):
        url = card_url("ABCDEFGHIJKLMNOPQRSTUVWXYZ234")
        assert url == "HTTP://ANJU.EXAMPLE/C/ABCDEFGHIJKLMNOPQRSTUVWXYZ234"
        qr = qrcode.QRCode()
        qr.add_data(url)
        qr.make(fit=True)
        assert qr.data_list[0].mode == qrcode.util.MODE_ALPHA_NUM
        assert svg_data_uri(url).startswith("data:image/svg+xml;base64,")
