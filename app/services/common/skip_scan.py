"""The distinct values of an indexed column, read by skipping through its index.

``SELECT DISTINCT code FROM person`` reads every row (0.4–0.5 s over a million people)
even when there are only a few thousand values. A recursive query that asks the index
for "the smallest value after the last one" once per value reads one index entry each
(a *loose index scan*, which neither PostgreSQL nor SQLite plans on its own): 16,500
household codes among 1,000,000 people in 60–120 ms. It needs a B-tree index whose
first column is ``column``.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased


def distinct_values(model, name: str, after: str = ""):
    """A statement selecting the distinct values of ``model.<name>`` greater than
    ``after`` (by default: neither NULL nor empty), in order."""
    column = getattr(model, name)
    found = select(func.min(column).label("value")).where(column > after).cte("found", recursive=True)
    other = aliased(model)
    following = select(func.min(getattr(other, name))).where(getattr(other, name) > found.c.value)
    found = found.union_all(select(following.scalar_subquery()).where(found.c.value.is_not(None)))
    return select(found.c.value).where(found.c.value.is_not(None))
