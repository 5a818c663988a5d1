"""Who is acting, passed from the edge (a request, the CLI) into services."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str  # what the audit log shows when there is no user: "cli", "card", ...
    ip: str | None = None

    @classmethod
    def cli(cls) -> "Actor":
        return cls(user_id=None, label="cli")
