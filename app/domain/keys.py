"""Record keys typed into forms and URLs: one bounded parser for all of them.

``int()`` takes more than a key: ``int("²")`` raises, ``"٣".isdigit()`` is true, and
``int("99999999999999999999999")`` is a number no database column holds (SQLite raises
OverflowError, PostgreSQL NumericValueOutOfRange). Anything but ASCII digits within a
database integer is no key at all.
"""
from __future__ import annotations

MAX_ID = 2**31 - 1  # the largest key a database integer column holds


def parse_key(text) -> int | None:
    """A positive integer key from text (or an int), or None for anything else."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if 0 < text <= MAX_ID else None
    text = str(text or "")
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def coerce_key(text) -> int:
    """For a form's ``coerce``: a key, or ValueError (the field says "not a valid choice")."""
    value = parse_key(text)
    if value is None:
        raise ValueError("not a record key")
    return value


def optional_key(text) -> int | None:
    """For a form's ``coerce`` where choosing nothing is allowed: blank is None."""
    if text in (None, "", "None"):
        return None
    return coerce_key(text)
