"""What counts as a duplicate registration.

The same identity card number twice is a hard stop: one person, one record.
The same name and birth date is only a hint (namesakes exist), so it warns.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Candidate:
    person_id: int
    name: str
    birth_date: dt.date | None
    id_number: str | None
    area_name: str
    in_scope: bool


@dataclass
class DuplicateCheck:
    same_id: Candidate | None = None
    same_name_birth: list[Candidate] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return self.same_id is not None


def classify(id_number: str | None, name: str, birth_date: dt.date | None,
             candidates: list[Candidate], exclude_id: int | None = None) -> DuplicateCheck:
    result = DuplicateCheck()
    name = (name or "").strip()
    for c in candidates:
        if c.person_id == exclude_id:
            continue
        if id_number and c.id_number == id_number:
            result.same_id = c
        elif name and birth_date and c.name == name and c.birth_date == birth_date:
            result.same_name_birth.append(c)
    return result
