"""Reminder messages: when they may be sent, how failures are retried, what they say.

A reminder says only what the person needs — what, when, where, whom to call — never a
health result, and no ID number. There is one per person, service type and day (the
outbox's unique key), so the same reminder is never sent twice; a new date is a new one.
"""
from __future__ import annotations

import datetime as dt

from .masking import mask_name

MAX_BACKOFF = dt.timedelta(hours=24)


def in_quiet_hours(local_time: dt.time, start_hour: int, end_hour: int) -> bool:
    """``start_hour`` to ``end_hour`` (local), across midnight if start > end; equal
    hours mean no quiet hours."""
    hour = local_time.hour
    if start_hour == end_hour:
        return False
    if start_hour < end_hour:
        return start_hour <= hour < end_hour
    return hour >= start_hour or hour < end_hour


def backoff(attempts: int, base_minutes: int) -> dt.timedelta:
    """Wait before attempt ``attempts + 1``: base, 2×base, 4×base … at most a day."""
    return min(dt.timedelta(minutes=base_minutes) * (2 ** max(0, attempts - 1)), MAX_BACKOFF)


def sms_text(*, signature: str, kind: str, service: str, on: dt.date, place: str, phone: str,
             dose: str = "", child_name: str | None = None) -> str:
    """The reminder itself, in Chinese (the language of the people it goes to).

    ``kind``: ``visit`` (a check-up or a vaccination on a day), ``apply`` (a document one
    may now apply for) or ``renew`` (a document to renew by a day)."""
    what = f"{service}（{dose}）" if dose else service
    who = f"{mask_name(child_name)}的" if child_name else "您的"
    where = f"，地点：{place}" if place else ""
    call = f"，咨询或改期请致电{phone}" if phone else ""
    if kind == "apply":
        return f"【{signature}】您在本地居住已满规定时间，可以免费申领{what}{where}{call}。"
    if kind == "renew":
        return f"【{signature}】{who}{what}请在{on.month}月{on.day}日前办理签注{where}{call}。"
    return f"【{signature}】{who}{what}安排在{on.month}月{on.day}日{where}。免费、自愿{call}。"
