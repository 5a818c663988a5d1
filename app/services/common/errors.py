"""Errors services raise; the web layer maps them to pages and status codes."""
from __future__ import annotations


class NotFound(LookupError):
    """Absent, or outside the caller's scope: both answer 404 so as not to leak existence."""


class ValidationFailed(ValueError):
    """Input that breaks a rule. ``errors`` maps field names to readable messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class StaleEdit(RuntimeError):
    """The record changed after the form was opened."""

    def __init__(self, current):
        super().__init__("changed meanwhile")
        self.current = current


class EditConflict(StaleEdit):
    """A stale edit merged against the record as it is now (``domain.merge.Merge``):
    ``merge.conflicts`` are the fields both sides changed, differently."""

    def __init__(self, current, merge):
        super().__init__(current)
        self.merge = merge


class DuplicatePerson(RuntimeError):
    def __init__(self, check):
        super().__init__("duplicate identity number")
        self.check = check
