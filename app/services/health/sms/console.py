"""The default backend: nothing leaves the machine. The outbox keeps the text; the log
gets one line per message with the number masked (no names, no text)."""
from __future__ import annotations

import logging

from ....domain.phone import mask_phone
from . import Outcome, Outgoing

log = logging.getLogger("anju.sms")


class ConsoleBackend:
    name = "console"

    def send(self, message: Outgoing) -> Outcome:
        log.info("sms #%d to %s (%d characters) kept in the outbox", message.id, mask_phone(message.phone),
                 len(message.text))
        return Outcome(ok=True, ref=f"console-{message.id}")
