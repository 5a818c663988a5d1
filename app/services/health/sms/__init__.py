"""Text-message backends: how a reminder leaves the system.

``SMS_BACKEND`` (app config or environment) picks one: ``console`` (the default) keeps
the message in the outbox and writes a line to the log with the phone number masked;
``http`` posts it to a provider (``SMS_HTTP_URL``, ``SMS_HTTP_TEMPLATE``,
``SMS_HTTP_AUTH_HEADER``). The provider's address and key are secrets: they come from
the configuration, never from the settings table the admin edits in the browser.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Outgoing:
    id: int  # the outbox row: the provider may echo it back
    phone: str
    text: str


@dataclass(frozen=True)
class Outcome:
    ok: bool
    ref: str | None = None  # the provider's message id
    error: str | None = None
    permanent: bool = False  # retrying will not help (a refused number, a bad request)


class Backend(Protocol):
    name: str

    def send(self, message: Outgoing) -> Outcome: ...


class UnknownBackend(ValueError):
    pass


def backend_from_config(config) -> Backend:
    name = (config.get("SMS_BACKEND") or "console").strip().lower()
    if name == "console":
        from .console import ConsoleBackend
        return ConsoleBackend()
    if name == "http":
        from .http import HttpBackend
        return HttpBackend.from_config(config)
    raise UnknownBackend(f"SMS_BACKEND must be 'console' or 'http', not {name!r}")
