"""The English catalog: complete, placeholders intact, and up to date with the code.

Source strings are Simplified Chinese; ``app/translations/en/LC_MESSAGES/messages.po``
gives the English. When one of these tests fails after you add or change a string, run
``make extract``, translate the new entries in the .po file, and run ``make translations``.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
BABEL_CFG = ROOT / "babel.cfg"
# The same keywords as `make extract` (pybabel extract -k N_ -k _l): Babel's defaults plus ours.
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "_l": None}

# printf-style conversions: %(name)s, %(n)d, %s, %.1f ... ("%%" is a literal percent sign).
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


def _load_catalog():
    with PO_FILE.open("rb") as f:
        return read_po(f, locale="en")


def _forms(value) -> tuple[str, ...]:
    """A message's id or string as a tuple: plural entries have several forms."""
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def _placeholders(text: str) -> set[str]:
    return {p for p in PLACEHOLDER.findall(text or "") if p != "%%"}


def _entries():
    return [m for m in _load_catalog() if m.id]


def _label(message) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in message.locations[:3])
    return f"{_forms(message.id)[0]!r} ({where})" if where else repr(_forms(message.id)[0])


def test_every_entry_is_translated_and_not_fuzzy():
    entries = _entries()
    assert entries, f"{PO_FILE} has no messages"
    untranslated = [_label(m) for m in entries if not all(s and s.strip() for s in _forms(m.string))]
    fuzzy = [_label(m) for m in entries if m.fuzzy]
    assert not untranslated, "untranslated in messages.po:\n  " + "\n  ".join(untranslated)
    assert not fuzzy, "fuzzy (check, then remove the flag) in messages.po:\n  " + "\n  ".join(fuzzy)


def test_translations_keep_the_placeholders():
    wrong = []
    for m in _entries():
        expected = set().union(*(_placeholders(i) for i in _forms(m.id)))
        for string in _forms(m.string):
            got = _placeholders(string)
            if got != expected:
                wrong.append(f"{_label(m)}: expected {sorted(expected)}, translation has {sorted(got)}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n  " + "\n  ".join(wrong)


def test_translations_use_ascii_punctuation():
    """Full-width Chinese punctuation in the English text is almost always a slip."""
    full_width = re.compile(r"[\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019]")
    slips = [f"{_label(m)}: {s!r}" for m in _entries() for s in _forms(m.string) if s and full_width.search(s)]
    assert not slips, "full-width punctuation in English translations:\n  " + "\n  ".join(slips)


@pytest.fixture(scope="module")
def extracted_ids() -> dict[str, list[str]]:
    """Every msgid that `pybabel extract -F babel.cfg -k N_ -k _l` finds now, with where."""
    with BABEL_CFG.open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, str(BABEL_CFG))
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = _forms(message)[0]
        if msgid:
            found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def test_extraction_finds_strings(extracted_ids):
    # Guards the next test against passing vacuously (e.g. a broken babel.cfg).
    assert len(extracted_ids) > 100


def test_catalog_is_up_to_date_with_the_code(extracted_ids):
    in_catalog = {_forms(m.id)[0] for m in _entries()}
    missing = sorted(set(extracted_ids) - in_catalog)
    assert not missing, (
        "strings in the code but not in messages.po (run `make extract`, then translate them):\n  "
        + "\n  ".join(f"{msgid!r} ({', '.join(extracted_ids[msgid][:3])})" for msgid in missing)
    )
