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
            column = ord(re.match(r"[A-Z]", c.get("r", "A")).group(0)) - ord("A")  # type: ignore[union-attr]
            value = c.findtext("m:v", default="", namespaces=ns)
            cells[column] = shared[int(value)] if c.get("t") == "s" else value
        rows.append([cells.get(i, "") for i in range(max(cells, default=-1) + 1)])
    return rows
