"""Three-way merge of an edit form saved after someone else saved the same record.

``base`` is the record as the form showed it when opened, ``mine`` what the form sends,
``theirs`` the record now. A field only I changed is mine to write; a field only they
changed keeps their value (the form's copy of it is just the old value, not a choice);
a field we both changed to different values is a conflict, for the user to decide.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


def comparable(value) -> str | None:
    """One form for a value however it arrives: typed by a form, read from the database,
    or kept as text in the opened form. Blank is None; a time counts to the minute (the
    form's precision)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(second=0, microsecond=0, tzinfo=None).isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if len(text) >= 16 and text[10:11] == "T":  # a datetime kept as text
        return text[:16]
    return text or None


def same(a, b) -> bool:
    return comparable(a) == comparable(b)


@dataclass
class Merge:
    mine: dict = field(default_factory=dict)  # field -> my value, to write
    theirs: list = field(default_factory=list)  # fields they changed and I did not: theirs stays
    conflicts: dict = field(default_factory=dict)  # field -> (mine, theirs), both changed, differently


def three_way(base: dict, mine: dict, theirs: dict) -> Merge:
    """Merge the fields of ``mine`` (a field absent from ``base`` counts as unchanged by them)."""
    merge = Merge()
    for name, value in mine.items():
        opened = base.get(name, theirs.get(name))
        i_changed, they_changed = not same(value, opened), not same(theirs.get(name), opened)
        if i_changed and they_changed and not same(value, theirs.get(name)):
            merge.conflicts[name] = (value, theirs.get(name))
        elif i_changed:
            merge.mine[name] = value
        elif they_changed:
            merge.theirs.append(name)
    return merge
