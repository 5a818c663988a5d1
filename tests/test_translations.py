"""The English catalog: complete, placeholders intact, and up to date with the code.

Source strings are Simplified Chinese; ``app/translations/en/LC_MESSAGES/messages.po``
gives the English. When one of these tests fails after you add or change a string, run
``make extract``, translate the new entries in the .po file, and run ``make translations``.
"""
from __future__ import annotations

import ast
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


# -- Messages the code shows without marking them ----------------------------------------------
# A Chinese literal where a message is made — raised, put on a form's errors, flashed, appended
# to a list of problems, returned by a rule — must be marked (N_, _, gettext, _l …) so that it
# is extracted and translated at the edge (``web.tr``); otherwise the English UI shows Chinese.
# Exempt, with the reason: ``(path, the literal's start)``.
NOT_UI_TEXT = {
    ("app/domain/reminders.py", "【"): "the text message itself, Chinese for the people it goes to",
    ("app/services/health/reminders.py", "安居"): "the default SMS signature",
    ("app/domain/ledger_values.py", "族"): "reading a ledger: 汉 → 汉族",
    ("app/services/registry/people_import.py", "台账导入"): "the note stored with an imported arrival (data)",
    ("app/station/imports.py", "台账"): "the sample ledger's worksheet name (data like its rows)",
}
NOT_UI_FOLDERS = ("app/services/demo/",)  # the made-up county: names, addresses, notes
MARKERS = {"N_", "_", "gettext", "ngettext", "lazy_gettext", "lazy_ngettext", "_l", "pgettext"}
MESSAGE_CALLS = {"ValidationFailed", "Message", "flash", "append", "ValidationError"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _call_name(func) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _literal_text(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):  # an f-string cannot be translated at all
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    return None


def _unmarked_in(expr):
    if isinstance(expr, ast.Call) and _call_name(expr.func) in MARKERS:
        return
    text = _literal_text(expr)
    if text is not None:
        if CJK.search(text):
            yield expr, text
        return
    for child in ast.iter_child_nodes(expr):
        yield from _unmarked_in(child)


def _message_places(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            yield node.exc
        elif isinstance(node, ast.Return) and node.value is not None:
            yield node.value
        elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id in ("errors", "problems")
                for t in node.targets):
            yield node.value
        elif isinstance(node, ast.Call) and _call_name(node.func) in MESSAGE_CALLS:
            yield from node.args
            yield from (k.value for k in node.keywords)


def unmarked_messages(root: Path) -> list[str]:
    found = set()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
        if rel.startswith(NOT_UI_FOLDERS):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for place in _message_places(tree):
            for node, text in _unmarked_in(place):
                if not any(rel == p and text.startswith(start) for p, start in NOT_UI_TEXT):
                    found.add(f"{rel}:{node.lineno}: {text[:40]!r}")
    return sorted(found)


def test_messages_made_in_the_code_are_marked_for_translation():
    unmarked = unmarked_messages(ROOT / "app")
    assert not unmarked, ("Chinese messages not marked for translation (wrap them in N_() — or _() in a "
                          "view — then `make extract`):\n  " + "\n  ".join(unmarked))


def test_the_unmarked_message_finder_finds_them(tmp_path):
    """Guards the test above against passing vacuously."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        'def f(x):\n'
        '    errors = {}\n'
        '    errors["a"] = "请填写"\n'
        '    if x:\n'
        '        raise ValidationFailed({"b": f"至少 {x} 位"})\n'
        '    flash(N_("已保存"))\n'
        '    return "未知"\n', encoding="utf-8")
    found = [line.split(": ", 1)[1] for line in unmarked_messages(tmp_path)]
    assert found == ["'请填写'", "'至少  位'", "'未知'"]


TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def unmarked_template_text(text: str) -> list[str]:
    return [line.strip() for line in TEMPLATE_TAG.sub("", text).splitlines() if CJK.search(line)]


def test_template_text_is_marked_for_translation():
    """Chinese text written straight into a template (outside ``{{ _("…") }}``) stays Chinese in English."""
    assert unmarked_template_text('<p>{{ _("已保存") }}</p>\n<p>未保存 {{ n }}</p>{# 注释 #}') == ["<p>未保存 </p>"]
    unmarked = [f"{path.relative_to(ROOT)}: {line[:60]!r}"
                for path in sorted((ROOT / "app" / "templates").rglob("*.html"))
                for line in unmarked_template_text(path.read_text(encoding="utf-8"))]
    assert not unmarked, "Chinese template text outside _():\n  " + "\n  ".join(unmarked)
