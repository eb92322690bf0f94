"""Read a contact file into a header and numbered rows of text: CSV (any common encoding) or XLSX.

CSV bytes are decoded as UTF-8 (with or without a BOM), else as GB18030, which covers
GBK and GB2312 (Chinese Excel's "CSV" export).  A file cut off inside a UTF-8
character keeps every whole row and marks the last one cut.  Rows are numbered as a
spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from appliance.dialer.exceptions import ImportFileError

MAX_ROWS = 200_000  # a bound on one import; a bigger list is split by the admin
XLSX_MAGIC = b"PK\x03\x04"
DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class Table:
    """A contact file's content as text."""

    header: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells)
    encoding: str  # utf-8, utf-8-sig, gb18030 or xlsx
    cut_row: int | None = None  # the last row when the file ended inside it


def read_table(data: bytes, filename: str = "") -> Table:
    """Return the table in a CSV or XLSX file; raise ImportFileError when it is neither."""

    if not data.strip():
        raise ImportFileError("the file is empty")
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    if b"\x00" in data:
        raise ImportFileError("not a CSV or XLSX file (binary content)")
    text, encoding, cut = _decode(data)
    return _read_csv(text, encoding, cut)


def _decode(data: bytes) -> tuple[str, str, bool]:
    """Return the text, its encoding and whether the file ended inside a character."""

    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        return data.decode(encoding), encoding, False
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":  # cut inside the last character
            return data[: exc.start].decode(encoding), encoding, True
        utf8_error = exc
    try:
        return data.decode("gb18030"), "gb18030", False
    except UnicodeDecodeError:
        raise ImportFileError(
            f"unknown text encoding: not UTF-8 (byte {utf8_error.start}) nor GBK/GB18030"
        ) from None


def _read_csv(text: str, encoding: str, cut: bool) -> Table:
    """Return the rows of CSV text, the delimiter guessed from the header line."""
    first = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = [(number, cells) for number, cells in enumerate(reader, start=1)]
    except csv.Error as exc:  # a cell past the csv module's limit: not a contact list
        raise ImportFileError(f"not a readable CSV file (line {reader.line_num}): {exc}") from None
    return _table(lines, encoding, lines[-1][0] if cut and lines else None)


def _read_xlsx(data: bytes) -> Table:
    """Return the rows of the first sheet of an XLSX workbook."""
    import openpyxl  # imported here: only XLSX imports pay for loading it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(f"not a readable XLSX file (damaged or cut off): {exc}") from None
    try:
        sheet = book.worksheets[0]
        lines = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            lines.append((number, [_cell_text(value) for value in values]))
            if len(lines) > MAX_ROWS + 1:
                break
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(f"not a readable XLSX file (damaged or cut off): {exc}") from None
    finally:
        book.close()
    return _table(lines, "xlsx", None)


def _cell_text(value: Any) -> str:
    """Return a cell as the text a person typed: 13800138000, not 13800138000.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _table(lines: list[tuple[int, list[str]]], encoding: str, cut_row: int | None) -> Table:
    """Return a table from numbered lines, the first being the header."""

    if not lines or not any(cell.strip() for cell in lines[0][1]):
        raise ImportFileError("the first row must name the columns")
    if len(lines) - 1 > MAX_ROWS:
        raise ImportFileError(f"more than {MAX_ROWS} rows: split the list")
    header = [cell.strip().lstrip("\ufeff") for cell in lines[0][1]]
    return Table(header, lines[1:], encoding, cut_row)
