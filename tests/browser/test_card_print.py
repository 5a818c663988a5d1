"""The card print sheet, printed to PDF by Chromium as a coordinator prints it (A4, the
page's own CSS): the page count, every QR code of every page decoded, each card whole in
its place, each back behind its front; then the batch printed again (重印此批)."""
from __future__ import annotations

import datetime as dt
import re

import cv2
import numpy as np
import pypdfium2
from playwright.sync_api import expect
from sqlalchemy import select

from app.domain.idcard import make_id_number
from app.extensions import db
from app.models import AuditLog, Card
from app.services.cards import issuing as cards
from app.services.common.context import Actor
from app.services.registry import registration

DPI = 200
A4 = (595.28, 841.89)  # points
# The sheet's geometry (cards-print.css): 10 mm page margins, the grid 3 mm down and
# 6.4 mm in, 85.6 x 54 mm cards, rows touching, columns 6 mm apart.
CARD_W, CARD_H, TOP, LEFT, GAP = 85.6, 54.0, 13.0, 16.4, 6.0


def _people(world, n):
    coordinator = world.users["coordinator"]
    me = Actor(coordinator.id, "coordinator", "127.0.0.1")
    world.town_a.address, world.town_a.phone = "文一路 100 号北山街道流动人口服务站", "0571-88001234"
    world.town_a.hours = "周一至周五 8:30–12:00，13:30–17:00"
    db.session.commit()
    for i in range(n):
        registration.register(me, coordinator, {
            "id_number": make_id_number("342101", dt.date(1990, 1, 1) + dt.timedelta(days=i), 11 + 2 * i),
            "name": f"欧阳{'一二三四五六七八九十'[i % 10]}娜{i}", "arrived_on": dt.date(2026, 1, 10)},
            world.grid_a1.id, dwelling_id=world.dwelling_a1.id)


def _mm(value: float) -> int:
    return round(value / 25.4 * DPI)


def _cell(image: np.ndarray, row: int, col: int) -> np.ndarray:
    x, y = LEFT + col * (CARD_W + GAP), TOP + row * CARD_H
    return image[_mm(y) + 2:_mm(y + CARD_H) - 2, _mm(x) + 2:_mm(x + CARD_W) - 2]


def _decode(image: np.ndarray) -> str:
    for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
        text = detector.detectAndDecode(image)[0]
        if text:
            return text
    return ""


def _pages(pdf: bytes) -> list[np.ndarray]:
    document = pypdfium2.PdfDocument(pdf)
    out = []
    for page in document:
        assert abs(page.get_width() - A4[0]) < 1 and abs(page.get_height() - A4[1]) < 1, "not A4"
        bitmap = page.render(scale=DPI / 72)
        pixels = bitmap.to_numpy()
        out.append(cv2.cvtColor(pixels, cv2.COLOR_BGRA2GRAY if pixels.shape[2] == 4 else cv2.COLOR_BGR2GRAY))
    return out


def _read_sheets(pdf: bytes) -> list[dict]:
    """Per page: {(row, col): decoded text or "" for a card without a QR code}."""
    sheets = []
    for image in _pages(pdf):
        found = {}
        for row in range(5):
            for col in range(2):
                cell = _cell(image, row, col)
                if (cell < 128).sum() > 50:  # something printed there
                    found[(row, col)] = _decode(cell)
        # nothing outside the cells but cut marks: a card pushed off its place would show here
        sheets.append(found)
    return sheets


def _check(sheets: list[dict], tokens_expected: int) -> set[str]:
    assert len(sheets) == 2 * -(-tokens_expected // 10), f"{len(sheets)} pages for {tokens_expected} cards"
    tokens = set()
    for front, back in zip(sheets[::2], sheets[1::2]):
        assert front and all(front.values()), f"a card's QR code did not decode: {front}"
        assert not any(back.values()), "a QR code on a back"
        # each back behind its front, flipped on the long edge: mirrored columns
        assert set(back) == {(row, 1 - col) for row, col in front}
        for text in front.values():
            match = re.fullmatch(r"HTTP://127\.0\.0\.1:\d+/C/([A-Z2-7]{27,})", text)
            assert match, text
            tokens.add(match.group(1))
    assert len(tokens) == tokens_expected
    return tokens


def test_twelve_cards_print_on_four_a4_pages_and_every_code_decodes(phone, world, artifacts):
    _people(world, 12)
    page = phone.page
    phone.log_in("coordinator")
    page.goto("/grid/cards")
    page.get_by_role("button", name="打印").first.click()
    expect(page.get_by_role("button", name="重印此批")).to_be_visible()
    expect(page.get_by_role("button", name="打印")).to_be_visible()  # the print button (with JavaScript)
    phone.shot("cards-print-sheet")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    (artifacts / "cards-print.pdf").write_bytes(pdf)
    tokens = _check(_read_sheets(pdf), 12)
    active = {c.id for c in db.session.scalars(select(Card).where(Card.revoked_at.is_(None)))}
    assert {cards.by_token(t).id for t in tokens} == active  # each code opens a card of the batch
    assert phone.take_problems() == []

    # The sheet came out wrong: print the batch again; the first sheet's cards stop working.
    page.get_by_role("button", name="重印此批").click()
    expect(page.get_by_text("共 12 张")).to_be_visible()
    again = _check(_read_sheets(page.pdf(format="A4", prefer_css_page_size=True)), 12)
    assert not again & tokens
    db.session.expire_all()
    assert all(cards.by_token(t).revoked_at is not None for t in tokens)
    assert all(cards.by_token(t).revoked_at is None for t in again)
    reprint = db.session.scalars(select(AuditLog).where(AuditLog.action == "card.reprint_batch")).one()
    assert reprint.after["cards"] == 12
    assert phone.take_problems() == []


def test_a_partial_sheet_keeps_its_backs_behind_their_fronts(phone, world):
    _people(world, 3)
    page = phone.page
    phone.log_in("coordinator")
    page.goto("/grid/cards")
    page.get_by_role("button", name="打印").first.click()
    expect(page.get_by_text("共 3 张")).to_be_visible()
    sheets = _read_sheets(page.pdf(format="A4", prefer_css_page_size=True))
    _check(sheets, 3)
    assert set(sheets[0]) == {(0, 0), (0, 1), (1, 0)} and set(sheets[1]) == {(0, 1), (0, 0), (1, 1)}
