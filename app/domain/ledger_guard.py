"""Checking an uploaded workbook before anything reads it.

A spreadsheet reader believes the file: an ``.xlsx`` of 4.7 KB naming one cell at A1 and
one at XFD1048576 makes it allocate the whole grid between them (17 billion cells, half a
terabyte), and a 3.7 MB ``.xlsx`` can unpack to gigabytes of XML. So before the reader
sees a workbook this module measures it with bounded memory and time:

- ``.xlsx``: the zip's directory (number of parts, each part's declared size, their sum),
  then each worksheet's XML streamed through in chunks, counting bytes as they unpack
  (a part that lies about its size is caught too): the cells that hold a value give the
  extent the reader will build; formula cells are noted, with or without a cached value.
- ``.xls``: the BIFF records of the workbook stream (cell records carry their row and
  column), which also tell formula cells.

The limits leave room for a county's ledgers (200,000 rows of a few dozen columns).
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from .text import Message, N_

MAX_PARTS = 5_000
MAX_PART_BYTES = 400 * 1024 * 1024  # one part of the zip, unpacked (a 200,000-row sheet is ~250 MB)
MAX_UNPACKED = 600 * 1024 * 1024  # all parts together, unpacked
MAX_SMALL_PART = 8 * 1024 * 1024  # workbook.xml and its relations
MAX_ROWS = 200_050  # rows of one sheet (200,000 and a title or header)
MAX_COLUMNS = 500
MAX_GRID = 8_000_000  # cells of the rectangle a reader builds (rows × columns spanned)
CHUNK = 4 * 1024 * 1024
MAX_ROW_XML = 16 * 1024 * 1024  # one row's XML

FORMULA_LIMIT = 10_000  # formula cells remembered per sheet (the rest only counted)


class WorkbookRefused(ValueError):
    def __init__(self, message: Message):
        super().__init__(str(message))
        self.message = message


@dataclass
class SheetScan:
    """What a worksheet holds, measured: 1-based rows and columns of cells with a value."""

    first_row: int = 0
    last_row: int = 0
    first_col: int = 0
    last_col: int = 0
    cells: int = 0
    formulas: dict[tuple[int, int], bool] = field(default_factory=dict)  # (row, col) 0-based → has a cached value

    def add(self, row: int, col: int) -> None:
        if not self.cells:
            self.first_row = self.last_row = row
            self.first_col = self.last_col = col
        else:
            self.first_row, self.last_row = min(self.first_row, row), max(self.last_row, row)
            self.first_col, self.last_col = min(self.first_col, col), max(self.last_col, col)
        self.cells += 1

    def cover(self, first_row: int, last_row: int, first_col: int, last_col: int, cells: int) -> None:
        """``add`` for ``cells`` cells at once, spanning these rows and columns."""
        if not self.cells:
            self.first_row, self.last_row, self.first_col, self.last_col = first_row, last_row, first_col, last_col
        else:
            self.first_row, self.last_row = min(self.first_row, first_row), max(self.last_row, last_row)
            self.first_col, self.last_col = min(self.first_col, first_col), max(self.last_col, last_col)
        self.cells += cells

    @property
    def grid(self) -> int:
        if not self.cells:
            return 0
        return (self.last_row - self.first_row + 1) * (self.last_col - self.first_col + 1)


def _refuse(template: str, **params) -> WorkbookRefused:
    return WorkbookRefused(Message(template, **params))


def _check_extent(name: str, scan: SheetScan) -> None:
    if scan.last_row > MAX_ROWS:
        raise _refuse(N_("工作表“%(sheet)s”有 %(n)d 行以上，超过 %(max)d 行：请拆分成几个文件"),
                      sheet=name, n=scan.last_row, max=MAX_ROWS - 50)
    if scan.last_col > MAX_COLUMNS:
        raise _refuse(N_("工作表“%(sheet)s”有内容写在第 %(n)d 列（%(ref)s），台账不会有这么多列：请删除多余的单元格后再上传"),
                      sheet=name, n=scan.last_col, ref=column_letters(scan.last_col) + str(scan.last_row))
    if scan.grid > MAX_GRID:
        raise _refuse(N_("工作表“%(sheet)s”的内容范围太大（%(rows)d 行 × %(cols)d 列）：请删除远处多余的单元格后再上传"),
                      sheet=name, rows=scan.last_row - scan.first_row + 1, cols=scan.last_col - scan.first_col + 1)


def column_letters(n: int) -> str:
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


# --- .xlsx ------------------------------------------------------------------------------

# A cell that holds something: <c r="B7" …> with content (Excel writes an empty styled
# cell as <c r="B7" s="3"/>). A formula cell's content starts with <f>; its cached value,
# if any, follows in <v>.
CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(/?)>(\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(<v>[^<]+</v>)?)?')
ROW_END = b"</row>"


def scan_xlsx(data: bytes) -> dict[str, SheetScan]:
    """Measure every worksheet of an ``.xlsx``; ``WorkbookRefused`` when it is too large to read."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        parts = book.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _refuse(N_("无法打开文件：它不是 Excel 或 CSV 表格，或者已损坏")) from None
    if len(parts) > MAX_PARTS:
        raise _refuse(N_("文件内部的部件太多（%(n)d 个），不像是一份台账"), n=len(parts))
    if any(p.file_size > MAX_PART_BYTES for p in parts) or sum(p.file_size for p in parts) > MAX_UNPACKED:
        biggest = max(p.file_size for p in parts)
        raise _refuse(N_("文件解压后有 %(mb)d MB，超过可以读取的大小：请拆分后分批导入"),
                      mb=max(biggest, sum(p.file_size for p in parts)) // (1024 * 1024))
    names = {p.filename for p in parts}
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise _refuse(N_("不支持 .ods 表格：请在 WPS 或 Excel 中另存为 .xlsx 后再上传"))
        raise _refuse(N_("无法打开文件：它不是 Excel 或 CSV 表格，或者已损坏"))
    sheets = _sheet_parts(book, names)
    budget = [MAX_UNPACKED]
    return {name: _scan_sheet(book, name, path, budget) for name, path in sheets}


def _small_xml(book: zipfile.ZipFile, name: str):
    info = book.getinfo(name)
    if info.file_size > MAX_SMALL_PART:
        raise _refuse(N_("无法打开文件：它不是 Excel 或 CSV 表格，或者已损坏"))
    with book.open(info) as part:
        raw = part.read(MAX_SMALL_PART + 1)
    if len(raw) > MAX_SMALL_PART or b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise _refuse(N_("无法打开文件：它不是 Excel 或 CSV 表格，或者已损坏"))
    try:
        return ElementTree.fromstring(raw)
    except ElementTree.ParseError:
        raise _refuse(N_("无法打开文件：它不是 Excel 或 CSV 表格，或者已损坏")) from None


def _sheet_parts(book: zipfile.ZipFile, names: set[str]) -> list[tuple[str, str]]:
    """(sheet name, worksheet part) in the workbook's order."""
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    targets = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for rel in _small_xml(book, "xl/_rels/workbook.xml.rels"):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rel.get("Id")] = target
    out = []
    for sheet in _small_xml(book, "xl/workbook.xml").iter():
        if sheet.tag.endswith("}sheet"):
            path = targets.get(sheet.get(rel_ns), "")
            if path in names and "/worksheets/" in path:
                out.append((sheet.get("name", ""), path))
    return out


def _scan_sheet(book: zipfile.ZipFile, name: str, path: str, budget: list[int]) -> SheetScan:
    scan = SheetScan()
    try:
        _stream_cells(book, name, path, budget, scan)
    except WorkbookRefused:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):  # a damaged part, or one that lied about its size
        raise _refuse(N_("无法打开文件：它不是 Excel 或 CSV 表格，或者已损坏")) from None
    return scan


def _stream_cells(book: zipfile.ZipFile, name: str, path: str, budget: list[int], scan: SheetScan) -> None:
    rest = b""
    with book.open(path) as part:
        while True:
            chunk = part.read(CHUNK)
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise _refuse(N_("文件解压后超过可以读取的大小：请拆分后分批导入"))
            if not chunk:
                break
            buffer = rest + chunk
            cut = buffer.rfind(ROW_END)
            if cut < 0:
                if len(buffer) > MAX_ROW_XML:
                    raise _refuse(N_("工作表“%(sheet)s”的一行内容过大，不像是一份台账"), sheet=name)
                rest = buffer
                continue
            cut += len(ROW_END)
            _scan_cells(buffer[:cut], scan)
            _check_extent(name, scan)
            rest = buffer[cut:]
    _scan_cells(rest, scan)
    _check_extent(name, scan)


def _scan_cells(xml: bytes, scan: SheetScan) -> None:
    """The cells of a run of whole rows, measured together (a cell at a time took twice as
    long: a 100,000-row ledger has 900,000 cells, and is measured at upload and dry run)."""
    cells = [c for c in CELL.findall(xml) if not c[2]]  # <c … /> holds nothing
    if not cells:
        return
    rows = [int(c[1]) for c in cells]
    columns = [column_number(letters) for letters in {c[0] for c in cells}]
    scan.cover(min(rows), max(rows), min(columns), max(columns), len(cells))
    for letters, digits, _, formula, cached in cells:
        if formula and len(scan.formulas) < FORMULA_LIMIT:
            scan.formulas[(int(digits) - 1, column_number(letters) - 1)] = bool(cached)


# --- .xls -------------------------------------------------------------------------------

# BIFF8 records that hold one cell: row and column are their first two 16-bit fields.
CELL_RECORDS = {0x0203, 0x00FD, 0x027E, 0x0201, 0x0205, 0x0204, 0x00D6, 0x0006}
MULTI_RECORDS = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, …, last column
FORMULA = 0x0006
BOF, EOF = 0x0809, 0x000A
SHEET = 0x0085  # BOUNDSHEET: a sheet's name, in the workbook globals


def scan_xls(data: bytes) -> dict[str, SheetScan]:
    """Measure every worksheet of an ``.xls`` (BIFF8) from its cell records."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            stream = "Workbook" if ole.exists("Workbook") else "Book"
            if not ole.exists(stream):
                raise _refuse(N_("无法打开文件：它不是 Excel 或 CSV 表格，或者已损坏"))
            workbook = ole.openstream(stream).read()
    except WorkbookRefused:
        raise
    except Exception:  # olefile raises several kinds for a damaged or foreign file
        raise _refuse(N_("无法打开文件：它不是 Excel 或 CSV 表格，或者已损坏")) from None
    names: dict[int, str] = {}  # where each sheet's records start → its name (BOUNDSHEET)
    scans: dict[str, SheetScan] = {}
    depth, current, pos = 0, None, 0
    end = len(workbook)
    while pos + 4 <= end:
        start = pos
        kind, length = struct.unpack_from("<HH", workbook, pos)
        body = workbook[pos + 4:pos + 4 + length]
        pos += 4 + length
        if kind == BOF:
            depth += 1
            if depth == 1 and start in names and _bof_is_sheet(body):
                current = scans.setdefault(names[start], SheetScan())
            continue
        if kind == EOF:
            depth = max(0, depth - 1)
            if depth == 0:
                current = None
            continue
        if kind == SHEET and current is None and len(body) > 8:
            names[struct.unpack_from("<I", body, 0)[0]] = _sheet_name(body)
            continue
        if current is None or depth != 1 or len(body) < 4:
            continue
        if kind in CELL_RECORDS:
            row, col = struct.unpack_from("<HH", body, 0)
            current.add(row + 1, col + 1)
            if kind == FORMULA and len(current.formulas) < FORMULA_LIMIT:
                current.formulas[(row, col)] = True  # BIFF keeps every formula's last result
        elif kind in MULTI_RECORDS and len(body) >= 6:
            row, first = struct.unpack_from("<HH", body, 0)
            (last,) = struct.unpack_from("<H", body, len(body) - 2)
            current.add(row + 1, first + 1)
            current.add(row + 1, max(first, last) + 1)
    for name, scan in scans.items():
        _check_extent(name, scan)
    return scans


def _bof_is_sheet(body: bytes) -> bool:
    return len(body) >= 4 and struct.unpack_from("<H", body, 2)[0] == 0x0010  # a worksheet's substream


def _sheet_name(body: bytes) -> str:
    length, flags = body[6], body[7]
    raw = body[8:8 + (length * 2 if flags & 1 else length)]
    return raw.decode("utf-16-le" if flags & 1 else "latin-1", errors="replace")
