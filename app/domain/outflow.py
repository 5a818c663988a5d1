"""Rules of the outflow register (流出人口): what "四知" asks of a record, who counts as
left behind (留守), and the dates an absence must respect. No Flask, no database."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .text import N_

CHILD_UNDER = 16  # 留守儿童: under 16
ELDERLY_FROM = 60  # 留守老人: 60 and over

# 四知: why they left, where they are served (down to the township), what they do, how to reach them.
FOUR_KNOWS = (
    ("reason", N_("外出原因")),
    ("destination", N_("流入地（到乡镇街道）")),
    ("occupation", N_("从事职业")),
    ("contact", N_("联系方式")),
)


@dataclass(frozen=True)
class Knows:
    known: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def four_knows(reason: str | None, dest_area_code: str | None, occupation: str | None,
               phone: str | None) -> Knows:
    """Which of the four a record knows. The destination counts only down to a township
    (a 9-digit division code): a province is not where someone is served."""
    have = {
        "reason": bool((reason or "").strip()),
        "destination": len((dest_area_code or "").strip()) >= 9,
        "occupation": bool((occupation or "").strip()),
        "contact": bool((phone or "").strip()),
    }
    return Knows(tuple(k for k, _ in FOUR_KNOWS if have[k]), tuple(k for k, _ in FOUR_KNOWS if not have[k]))


def age_on(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def left_behind_kind(born: dt.date, today: dt.date) -> str | None:
    """"child" under 16, "elderly" 60 and over, ``None`` for anyone else (not left behind)."""
    age = age_on(born, today)
    if age < CHILD_UNDER:
        return "child"
    if age >= ELDERLY_FROM:
        return "elderly"
    return None


def left_behind_problem(born: dt.date, today: dt.date) -> str | None:
    """Why someone born on ``born`` cannot be registered as left behind, if they cannot."""
    if born > today:
        return N_("出生日期在未来")
    if born.year < 1900:
        return N_("出生日期早于 1900 年")
    if left_behind_kind(born, today) is None:
        return N_("留守人员须为未满 16 周岁的儿童或 60 周岁以上的老人")
    return None


def absence_problems(left_on: dt.date | None, today: dt.date, expected_return: dt.date | None = None,
                     returned_on: dt.date | None = None, born: dt.date | None = None) -> dict[str, str]:
    """Impossible dates of an absence, by field (``born``: the birth date, when known)."""
    errors = {}
    if left_on is None:
        errors["left_on"] = N_("请填写外出日期")
    elif left_on > today:
        errors["left_on"] = N_("外出日期不能在未来")
    elif born and left_on < born:
        errors["left_on"] = N_("外出日期早于出生日期")
    if left_on and expected_return and expected_return < left_on:
        errors["expected_return"] = N_("预计返乡日期不能早于外出日期")
    if returned_on is not None:
        if returned_on > today:
            errors["returned_on"] = N_("返乡日期不能在未来")
        elif left_on and returned_on < left_on:
            errors["returned_on"] = N_("返乡日期不能早于外出日期")
    return errors


def is_resident(id_region: str | None, county_code: str) -> bool:
    """Whether an ID number's (or household's) region code lies in this county."""
    return bool(county_code) and (id_region or "").startswith(county_code)


def backoff_seconds(attempt: int, first: int = 30, longest: int = 3600) -> int:
    """How long the ``attempt``-th failed delivery waits: 30 s, 60 s, 120 s… at most an hour."""
    return min(longest, first * 2 ** max(0, attempt - 1))
