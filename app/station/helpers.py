"""Pieces the station's service views share."""
from __future__ import annotations

import datetime as dt

from flask import request

from ..domain.keys import parse_key

# Who runs the service schedules and sees results (health data): never coordinators, never landlords.
SERVICE_STAFF = ("health", "supervisor", "admin")
# Who may record what a person asked for (opt in, decline, no text messages): also coordinators,
# who hear it at the door.
CHOICE_STAFF = ("coordinator", *SERVICE_STAFF)


def date_arg(name: str) -> dt.date | None:
    """An ISO date from the query string, or None for anything else."""
    try:
        return dt.date.fromisoformat((request.args.get(name) or "").strip())
    except ValueError:
        return None


def ids_arg(name: str, limit: int = 500) -> list[int]:
    """``?ids=3,5,8``: positive integers, at most ``limit`` of them; junk is dropped."""
    out = []
    for part in (request.values.get(name) or "").split(","):
        part = part.strip()
        if parse_key(part):
            out.append(parse_key(part))
    return out[:limit]


def form_version(form) -> int:
    """The record version a form was opened on; anything unreadable counts as outdated."""
    text = str(form.version.data or "")
    return parse_key(text) or 0
