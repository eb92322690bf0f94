"""Read an XLSX workbook back in tests from its XML (openpyxl is not a dependency)."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def xlsx_sheets(data: bytes) -> dict[str, list[list[str]]]:
    """Return an XLSX workbook's sheets as rows of cell texts (read from its XML, no library)."""
    ns = NS
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        shared = [
            "".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t"))
            for si in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).findall("m:si", ns)
        ]
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        names = [s.get("name", "") for s in workbook.iter(f"{{{ns['m']}}}sheet")]
        return {
            name: _sheet_rows(book.read(f"xl/worksheets/sheet{n}.xml"), shared, ns)
            for n, name in enumerate(names, start=1)
        }


def _sheet_rows(xml: bytes, shared: list[str], ns: dict[str, str]) -> list[list[str]]:
    """Return one sheet's rows, blank cells as empty texts."""
    rows = []
    for row in ElementTree.fromstring(xml).iter(f"{{{ns['m']}}}row"):
        cells: dict[int, str] = {}
        for c in row.findall("m:c", ns):
            column = _column(c.get("r", "A1"))
            value = c.findtext("m:v", default="", namespaces=ns)
            cells[column] = shared[int(value)] if c.get("t") == "s" else value
        rows.append([cells.get(i, "") for i in range(max(cells, default=-1) + 1)])
    return rows


def _column(reference: str) -> int:
    """Return the 0-based column of a cell reference: A1 -> 0, Z1 -> 25, AA1 -> 26."""
    letters = re.match(r"[A-Z]+", reference)
    number = 0
    for letter in letters.group(0) if letters else "A":
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1
