"""Convenience service contact cards (便民服务联系卡): tokens, short codes, unlocking.

A card carries two secrets: the QR code's *token* (130 random bits, base32, upper-case so
that the URL fits QR alphanumeric mode) and an 8-character *short code* for phones that
cannot scan, from an alphabet without look-alikes (no 0/O, 1/I/L). Neither is stored:
the database keeps keyed hashes, so a leaked table hands out no working card.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from .text import N_, Message

TOKEN_BYTES = 17  # 136 bits; base32 without padding → 28 characters
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_CODE_LENGTH = 8

UNLOCK_MAX_FAILURES = 5
UNLOCK_WINDOW = dt.timedelta(minutes=15)
UNLOCK_LASTS = dt.timedelta(minutes=15)
# One address (a station's Wi-Fi, a carrier's NAT) is shared by many card holders: its
# failures lock no card. Failures on this many different cards from one address within
# the hour are someone scanning cards, and stop that address's tries for the hour.
UNLOCK_IP_MAX_CARDS = 10
UNLOCK_IP_WINDOW = dt.timedelta(hours=1)


def new_token() -> str:
    return base64.b32encode(secrets.token_bytes(TOKEN_BYTES)).decode("ascii").rstrip("=")


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def normalise_token(raw: str | None) -> str:
    return (raw or "").strip().upper()


def normalise_short_code(raw: str | None) -> str:
    """Upper-case, without the spaces and dashes people type or copy along."""
    return "".join((raw or "").split()).replace("-", "").upper()


def is_well_formed_short_code(code: str) -> bool:
    return len(code) == SHORT_CODE_LENGTH and all(c in SHORT_CODE_ALPHABET for c in code)


def digest(secret: str, key: bytes) -> str:
    """Keyed hash of a card secret, the form the database stores and looks up."""
    return hmac.new(key, secret.encode("ascii", "ignore"), hashlib.sha256).hexdigest()


def format_short_code(code: str) -> str:
    """ABCD-EFGH: easier to read out over the phone."""
    return f"{code[:4]}-{code[4:]}"


@dataclass(frozen=True)
class UnlockState:
    locked_until: dt.datetime | None
    remaining: int = UNLOCK_MAX_FAILURES  # wrong answers left before the lock

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


def unlock_state(failures: list[dt.datetime], now: dt.datetime) -> UnlockState:
    """Locked when ``UNLOCK_MAX_FAILURES`` failures fall in the last ``UNLOCK_WINDOW``.

    The lock lifts when the oldest of those failures leaves the window.
    """
    recent = sorted(t for t in failures if now - t < UNLOCK_WINDOW)
    if len(recent) < UNLOCK_MAX_FAILURES:
        return UnlockState(None, UNLOCK_MAX_FAILURES - len(recent))
    return UnlockState(recent[-UNLOCK_MAX_FAILURES] + UNLOCK_WINDOW, 0)


def scanning_state(failures: list[tuple[int, dt.datetime]], now: dt.datetime) -> UnlockState:
    """An address's failures as ``(card_id, at)``: stopped when they fall on
    ``UNLOCK_IP_MAX_CARDS`` different cards within ``UNLOCK_IP_WINDOW``, until the oldest
    of those cards' latest failures leaves the window. One person's mistakes on their own
    card (any number of them) count as one card."""
    latest: dict[int, dt.datetime] = {}
    for card_id, at in failures:
        if now - at < UNLOCK_IP_WINDOW and at > latest.get(card_id, dt.datetime.min):
            latest[card_id] = at
    times = sorted(latest.values(), reverse=True)
    if len(times) < UNLOCK_IP_MAX_CARDS:
        return UnlockState(None)
    return UnlockState(times[UNLOCK_IP_MAX_CARDS - 1] + UNLOCK_IP_WINDOW, 0)


def matches_last4(id_number: str | None, typed: str | None) -> bool:
    """The unlock check: the last 4 characters of the ID number (x and X alike)."""
    if not id_number:
        return False
    typed = "".join((typed or "").split()).upper()
    return len(typed) == 4 and hmac.compare_digest(typed, id_number[-4:].upper())


def wrong_answer_message(remaining: int) -> Message:
    """A wrong answer, and how many tries are left before the page locks for a while."""
    return Message(N_("后 4 位不正确，还可尝试 %(n)d 次。"), n=remaining)


def locked_message(until_local: str, minutes: int) -> Message:
    return Message(N_("尝试次数过多，请于 %(time)s 后再试（还需约 %(minutes)d 分钟），或联系服务站。"),
                   time=until_local, minutes=minutes)
