"""Typed setting values: numbers, bounds, booleans."""
import pytest

from app.domain.settings import BY_KEY, DEFINITIONS, Definition, InvalidSetting, parse, shown

HOURS = Definition("x.hours", 24, "int", "h", "g", minimum=1, maximum=720)
RATE = Definition("x.rate", 0.5, "decimal", "r", "g", minimum=0)
TARGET = Definition("x.target", 90, "percent", "t", "g")


def test_numbers_are_checked_against_their_kind_and_bounds():
    assert parse(HOURS, " 48 ") == 48
    assert parse(RATE, "1.5") == 1.5
    assert parse(TARGET, "97.5") == 97.5
    for definition, raw in [(HOURS, "1.5"), (HOURS, "0"), (HOURS, "721"), (HOURS, ""), (HOURS, "abc"),
                            (RATE, "-0.1"), (RATE, "NaN"), (RATE, "inf"), (TARGET, "101"), (TARGET, "-1")]:
        with pytest.raises(InvalidSetting):
            parse(definition, raw)


def test_booleans_and_text():
    flag = Definition("x.on", False, "bool", "f", "g")
    assert parse(flag, "1") is True and parse(flag, None) is False
    assert shown(flag, True) == "1" and shown(flag, False) == ""
    note = Definition("x.note", "", "text", "n", "g")
    assert parse(note, "  hi ") == "hi"
    with pytest.raises(InvalidSetting):
        parse(note, "x" * 501)


def test_shown_values_type_back_unchanged():
    assert shown(RATE, 1.0) == "1" and shown(RATE, 0.5) == "0.5" and shown(HOURS, 24) == "24"


def test_keys_are_unique_and_defaults_valid():
    assert len(BY_KEY) == len(DEFINITIONS)
    for d in DEFINITIONS:
        assert parse(d, shown(d, d.default)) == d.default
