"""Access logs without secrets: card tokens and landlords' invitation tokens in paths and
all query strings are hidden.

Used by gunicorn (see ``gunicorn.conf.py``). Personal data never goes into URLs here
(search text travels in POST bodies), but a card's URL *is* its key, so it is redacted.
"""
from __future__ import annotations

import re

from gunicorn.glogging import Logger

_CARD = re.compile(r"(/[cC]/)(?!open\b)[A-Za-z0-9]{8,}")
_INVITATION = re.compile(r"(/landlord/invite/)[A-Za-z0-9]+")  # a landlord's one-time link
_QUERY = re.compile(r"\?[^\s\"]*")


def redact_path(path: str | None) -> str:
    return _INVITATION.sub("\\1…", _CARD.sub("\\1…", _QUERY.sub("", path or "")))


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str):
                atoms[key] = redact_path(value)
        atoms.update({"q": "", "{query_string}e": "", "f": "-", "{referer}i": "-", "{http_referer}e": "-"})
        return atoms
