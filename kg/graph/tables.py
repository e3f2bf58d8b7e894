"""Reading a spreadsheet saved as CSV or TSV: its columns, and its rows numbered as the spreadsheet shows them.

The first row that is not empty names the columns (lower case; spaces and hyphens read as ``_``).
Rows whose first cell starts with ``#`` are comments (the templates document their columns in
one), empty rows are skipped, and every cell is stripped and put in Unicode NFC form, so that a
Vietnamese name typed with combining accents is the same name as one typed precomposed. Row
numbers count every line a spreadsheet shows, the header being row 1.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.graph.files import require_file

#: Suffix -> delimiter of the formats read.
DELIMITERS = {".csv": ",", ".tsv": "\t", ".tab": "\t"}

#: Spreadsheet formats that are refused with a way out (openpyxl, which would read .xlsx, is not a dependency).
_SAVE_AS = {".xlsx", ".xlsm", ".xls", ".ods", ".numbers"}

#: More rows than a curator types by hand; a larger file is most likely not the table meant.
MAX_ROWS = 100_000


@dataclass(frozen=True)
class Row:
    """One data row: ``number`` is the spreadsheet's row number (the header is row 1)."""

    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True)
class Table:
    """A spreadsheet's columns (in order) and data rows."""

    path: Path
    columns: list[str]
    rows: list[Row]
    header_row: int = 1


def column_name(text: str) -> str:
    """A header cell as a column name: stripped, lower case, spaces and hyphens as ``_``.

    >>> column_name(" Name VI "), column_name("start-date"), column_name("\\ufeffid")
    ('name_vi', 'start_date', 'id')
    """
    return re.sub(r"[\s-]+", "_", text.replace("\ufeff", "").strip().lower())


def _cell(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{path} line {line}: not UTF-8 text (byte {data[exc.start]:#04x}); save the table as "
                         "\"CSV UTF-8\" (or TSV in UTF-8) and import that file") from None


def read_table(path: Path) -> Table:
    """The columns and rows of the CSV or TSV file ``path`` (UTF-8, with or without a byte-order mark).

    >>> import tempfile
    >>> sheet = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = sheet.write_text("Name EN,source\\n# a comment row\\nBach Mai Hospital, 000\\n,\\n", encoding="utf-8")
    >>> table = read_table(sheet)
    >>> table.columns, [(r.number, r.cells) for r in table.rows]
    (['name_en', 'source'], [(3, {'name_en': 'Bach Mai Hospital', 'source': '000'})])
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in _SAVE_AS:
        raise InputError(f"{path}: a {suffix} workbook is not read; save the sheet as \"CSV UTF-8\" (.csv) or as "
                         "tab-separated text (.tsv) and import that file")
    if suffix not in DELIMITERS:
        raise InputError(f"{path}: unknown table type '{suffix or '(no suffix)'}'; give a .csv (comma-separated) or "
                         ".tsv (tab-separated) file in UTF-8")
    require_file(path, "a .csv or .tsv table")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}); give a readable .csv or .tsv file") from None
    text = _decode(path, data)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(f"{path} line {line}: holds a NUL character, so it is no text table; save the sheet as "
                         "\"CSV UTF-8\" and import that file")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITERS[suffix], strict=True)
    columns: list[str] | None = None
    header_row, rows = 1, []
    try:
        for number, record in enumerate(reader, start=1):
            cells = [_cell(c) for c in record]
            if not any(cells):
                continue
            if columns is None:
                columns, header_row = [column_name(c) for c in cells], number
                _check_header(path, number, columns)
                continue
            if cells[0].startswith("#"):
                continue
            if len(cells) > len(columns) and any(cells[len(columns):]):
                raise InputError(f"{path} row {number}: {len(cells)} cells, but the header (row {header_row}) names "
                                 f"{len(columns)} columns; remove the extra cells or name their column in the header")
            unnamed = next((i for i, (c, v) in enumerate(zip(columns, cells), start=1) if v and not c), None)
            if unnamed:
                raise InputError(f"{path} row {number}: cell {unnamed} is in a column the header (row {header_row}) "
                                 "does not name; name the column in the header or empty the cell")
            if len(rows) >= MAX_ROWS:
                raise InputError(f"{path}: more than {MAX_ROWS:,} rows; split the table into smaller ones")
            rows.append(Row(number, {c: v for c, v in zip(columns, cells) if c}))
    except csv.Error as exc:
        raise InputError(f"{path} line {reader.line_num}: not a well-formed table ({exc}); check the quotes "
                         "there, or save the sheet again as \"CSV UTF-8\"") from None
    if columns is None:
        raise InputError(f"{path}: the table is empty; give a header row naming the columns, then one row per "
                         "entry (see data/templates/)")
    return Table(path, columns, rows, header_row)


def _check_header(path: Path, number: int, columns: list[str]) -> None:
    seen: set[str] = set()
    for position, name in enumerate(columns, start=1):
        if name in seen:
            raise InputError(f"{path} row {number}: the column '{name}' is named twice in the header; "
                             "keep one of them")
        if name:
            seen.add(name)
        elif position < len(columns) and any(columns[position:]):
            raise InputError(f"{path} row {number}: column {position} of the header has no name; name it "
                             "or remove the column")
