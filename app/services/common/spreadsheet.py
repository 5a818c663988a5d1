"""Lists written to ``.xlsx`` files: one way for every export of the app.

Rows stream into the file (xlsxwriter's ``constant_memory`` mode keeps one row in
memory at a time), so exporting a township's 50,000 people costs no more memory than
exporting 20. Every cell goes through ``domain.spreadsheet.cell`` (formula injection).
Callers pass translated headers and rows of plain values; masking ID numbers is theirs
to decide (they know who is asking).
"""
from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import xlsxwriter

from ...domain.spreadsheet import cell


@dataclass(frozen=True)
class Sheet:
    title: str  # up to 31 characters, no []:*?/\ (Excel's rule)
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] | None = None  # in characters; default from the headers
    preamble: Sequence[str] = ()  # lines above the header (a ledger's title), each across the table


_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_title(title: str) -> str:
    return (title.translate(_FORBIDDEN).strip() or "Sheet")[:31]


def write_xlsx(sheets: Sequence[Sheet]):
    """The workbook as a temporary file (rewound, deleted when closed)."""
    out = tempfile.TemporaryFile(suffix=".xlsx")
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    bold = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for sheet in sheets:
        ws = book.add_worksheet(sheet_title(sheet.title))
        widths = sheet.widths or [max(10, 2 * len(h) + 2) for h in sheet.headers]
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        top = len(sheet.preamble)
        for r, line in enumerate(sheet.preamble):
            if len(sheet.headers) > 1:
                ws.merge_range(r, 0, r, len(sheet.headers) - 1, cell(line))
            else:
                ws.write_string(r, 0, cell(line))
        for col, header in enumerate(sheet.headers):
            ws.write_string(top, col, str(header), bold)
        ws.freeze_panes(top + 1, 0)
        for r, row in enumerate(sheet.rows, start=top + 1):
            for col, value in enumerate(row):
                value = cell(value)
                if value is None:
                    continue
                if isinstance(value, dt.datetime):
                    ws.write_datetime(r, col, value.replace(tzinfo=None), stamp)
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, col, dt.datetime.combine(value, dt.time()), date)
                elif isinstance(value, str):
                    ws.write_string(r, col, value)
                else:
                    ws.write_number(r, col, value) if not isinstance(value, bool) else ws.write_boolean(r, col, value)
    book.close()
    out.seek(0)
    return out
