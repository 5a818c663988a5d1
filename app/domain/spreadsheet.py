"""Cell values for spreadsheets people open in Excel or WPS.

A text cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return)
is read as a formula by spreadsheet programs once the file is saved as CSV or the cell
is edited (formula injection, CWE-1236): such text is written with a leading apostrophe,
which shows the text as typed and is never evaluated.
"""
from __future__ import annotations

import datetime as dt

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cell(value):
    """A value ready for a cell: text neutralised, numbers and dates kept as they are,
    ``None`` as an empty cell, anything else as its text."""
    if value is None or isinstance(value, (bool, int, float, dt.date)):
        return value
    return safe_text(str(value))
