"""Opening an uploaded ledger: ``.xlsx``, ``.xls`` (and ``.ods``) or ``.csv``, whatever
its name says.

The kind is decided by the file's first bytes, not its name (a renamed ``.xls`` is
common, and so is a CSV saved as ``.xlsx``). Workbooks are read with calamine (a Rust
reader, many times faster than openpyxl on large files). CSV files come as UTF-8 with or
without a BOM, UTF-16 (Excel's "Unicode text") or GBK/GB18030 (Excel and WPS on Chinese
Windows); the delimiter is sniffed. Cells a merged range covers get the range's value,
so a household's shared address reaches each of its rows.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum

from . import ledger_guard
from .ledger_columns import SCAN_ROWS, header_score
from .text import Message, N_

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and other old Office files)
ZIP = b"PK\x03\x04"  # .xlsx, .ods


class LedgerFileError(ValueError):
    def __init__(self, message: str | Message):
        super().__init__(str(message))
        self.message = message if isinstance(message, Message) else Message(message)


@dataclass
class Ledger:
    kind: str  # "xlsx", "xls", "csv"
    sheets: list[str]
    _book: CalamineWorkbook | None = None
    _csv_rows: list[list] = field(default_factory=list)
    _scans: dict[str, ledger_guard.SheetScan] = field(default_factory=dict)
    _default: str | None = None
    _last: tuple | None = None  # (name, calamine's sheet) of the sheet read last

    def _sheet(self, name: str):
        """A sheet as calamine reads it (0.65 s for 100,000 rows): the last one is kept, so
        that choosing the default sheet and reading its rows read a one-sheet file once."""
        if self._last is None or self._last[0] != name:
            self._last = None  # one sheet in memory at a time
            self._last = (name, self._book.get_sheet_by_name(name))
        return self._last[1]

    def formulas(self, sheet: str | None = None) -> dict[tuple[int, int], bool]:
        """(row, column) 0-based of ``sheet``'s formula cells → whether a value was cached."""
        scan = self._scans.get(sheet if sheet in self.sheets else self.default_sheet()) if self._book else None
        return scan.formulas if scan else {}

    def rows(self, sheet: str | None = None, limit: int | None = None) -> list[list]:
        """The rows of ``sheet`` (default: ``default_sheet``) from A1, trailing blanks cut:
        all of them, or the first ``limit`` (what a page shows of a large file)."""
        if self._book is None:
            return self._csv_rows[:limit] if limit else self._csv_rows
        name = sheet if sheet in self.sheets else self.default_sheet()
        try:
            data = self._sheet(name)
            rows = data.to_python(skip_empty_area=False, nrows=limit)
            merged = data.merged_cell_ranges or []
        except CalamineError as exc:
            raise LedgerFileError(Message(N_("无法读取工作表“%(sheet)s”：文件可能已损坏"), sheet=name)) from exc
        if len(rows) > MAX_ROWS + 50:
            raise LedgerFileError(Message(N_("工作表超过 %(n)d 行，请拆分成几个文件"), n=MAX_ROWS))
        _fill_merged(rows, merged)
        return [_trim(r) for r in rows]

    def default_sheet(self) -> str:
        """The sheet whose header names the most fields (an instructions sheet in front of
        the ledger is passed over); without any header, the first sheet with data."""
        if self._default is None:
            self._default = self._choose_sheet()
        return self._default

    def _choose_sheet(self) -> str:
        with_data = [n for n in self.sheets if self._scans.get(n) is None or self._scans[n].cells > 1]
        best, best_score = None, 0
        for name in with_data:
            try:
                top = self._sheet(name).iter_rows()
                score = header_score([list(r) for _, r in zip(range(SCAN_ROWS), top)])
            except CalamineError:
                continue
            if score > best_score:
                best, best_score = name, score
        return best or (with_data or self.sheets)[0]


def _trim(row: list) -> list:
    end = len(row)
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return list(row[:end])


def _fill_merged(rows: list[list], ranges) -> None:
    for (top, left), (bottom, right) in ranges:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            for c in range(left, min(right, len(rows[r]) - 1) + 1):
                if rows[r][c] in ("", None):
                    rows[r][c] = value


def kind_of(data: bytes) -> str:
    if data.startswith(ZIP):
        return "xlsx"
    if data.startswith(OLE2):
        return "xls"
    return "csv"


def open_ledger(data: bytes) -> Ledger:
    """The ledger in ``data``; ``LedgerFileError`` with a message a person can act on."""
    if len(data) > MAX_BYTES:
        raise LedgerFileError(Message(N_("文件超过 %(mb)d MB，请拆分后分批导入"), mb=MAX_BYTES // (1024 * 1024)))
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise LedgerFileError(N_("文件是空的"))
    kind = kind_of(data)
    if kind == "csv":
        return Ledger("csv", ["CSV"], None, _csv_rows(data))
    try:  # measured before anything believes what the file says of itself
        scans = ledger_guard.scan_xlsx(data) if kind == "xlsx" else ledger_guard.scan_xls(data)
    except ledger_guard.WorkbookRefused as exc:
        raise LedgerFileError(exc.message) from None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise LedgerFileError(N_("文件设有密码，请取消密码后再上传")) from None
    except Exception:  # calamine raises several kinds for a damaged or foreign file
        raise LedgerFileError(N_("无法打开文件：它不是 Excel 或 CSV 表格，或者已损坏")) from None
    sheets = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    if not sheets:
        raise LedgerFileError(N_("文件里没有工作表"))
    unmeasured = [name for name in sheets if name not in scans]
    if unmeasured:  # a sheet the reader sees that the measuring did not: never read it unchecked
        raise LedgerFileError(Message(N_("无法读取工作表“%(sheet)s”：文件可能已损坏"), sheet=unmeasured[0]))
    return Ledger(kind, sheets, book, _scans=scans)


def decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # a superset of GBK and GB2312
    except UnicodeDecodeError:
        raise LedgerFileError(N_("无法识别文件的文字编码：请在 Excel 中另存为“CSV UTF-8”或 .xlsx")) from None


def _csv_rows(data: bytes) -> list[list]:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LedgerFileError(N_("无法打开文件：它不是 Excel 或 CSV 表格，或者已损坏"))
    content = decode_text(data)
    sample = content[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel
    rows = []
    try:
        for row in csv.reader(io.StringIO(content, newline=""), dialect):
            rows.append(_trim(row))
            if len(rows) > MAX_ROWS + 50:
                raise LedgerFileError(Message(N_("工作表超过 %(n)d 行，请拆分成几个文件"), n=MAX_ROWS))
    except csv.Error:
        raise LedgerFileError(N_("CSV 文件格式有误（引号不配对？）")) from None
    return rows
