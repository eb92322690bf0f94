"""Contact import: real CSV (GBK, UTF-8 BOM, cut off) and XLSX files, every row accounted for."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import xlsxwriter

from appliance.dialer.exceptions import ImportFileError
from appliance.dialer.importing import (
    ImportReport,
    Mapping,
    Problem,
    import_file,
    normalise,
)

FILES = Path(__file__).with_name("files")


def accounted(report: ImportReport) -> None:
    """Assert every data row was imported or reported, none twice."""
    rows = [c.row for c in report.contacts] + [e.row for e in report.errors]
    assert sorted(rows) == list(range(2, report.rows + 2))


def problems(report: ImportReport) -> dict[int, Problem]:
    """Return each reported row's problem."""
    return {e.row: e.problem for e in report.errors}


@pytest.mark.parametrize(
    ("name", "encoding"), [("contacts_gbk.csv", "gb18030"), ("contacts_utf8_bom.csv", "utf-8-sig")]
)
def test_a_chinese_export_imports_its_good_rows_and_reports_the_rest(
    name: str, encoding: str
) -> None:
    """GBK and UTF-8-with-BOM files give the same contacts and the same report."""
    report = import_file((FILES / name).read_bytes(), name, "CN")
    assert report.encoding == encoding
    assert [(c.row, c.number, c.name) for c in report.contacts] == [
        (2, "+8613800138000", "张伟"),
        (3, "+8613912345678", "李娜"),
        (4, "+861065529988", "王芳"),
        (9, "+8675526668888", "孙丽"),
    ]
    assert report.contacts[0].fields == {"城市": "北京", "备注": "老客户"}
    assert problems(report) == {
        5: Problem.INVALID_NUMBER,
        6: Problem.DUPLICATE_IN_FILE,
        7: Problem.BLANK,
        8: Problem.BAD_NUMBER,
    }
    duplicate = next(e for e in report.errors if e.row == 6)
    assert (duplicate.column, duplicate.value, duplicate.detail) == ("电话", "13800138000", "row 2")
    accounted(report)


def test_numbers_already_in_the_list_are_reported_not_imported_twice() -> None:
    """A number the campaign already has is reported with the row's value."""
    data = (FILES / "contacts_gbk.csv").read_bytes()
    report = import_file(data, "x.csv", "CN", existing={"+8613912345678"})
    assert problems(report)[3] is Problem.ALREADY_IN_LIST
    assert "+8613912345678" not in [c.number for c in report.contacts]
    accounted(report)


def test_a_file_cut_inside_a_character_keeps_the_whole_rows() -> None:
    """The last, cut row is reported; the rows before it are imported."""
    report = import_file((FILES / "contacts_cut.csv").read_bytes(), "cut.csv", "CN")
    assert [c.number for c in report.contacts] == ["+8613800138000"]
    assert report.errors[0].row == 3
    assert report.errors[0].problem is Problem.CUT_OFF
    accounted(report)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ((FILES / "garbage.csv").read_bytes(), "binary"),
        (b"\xff\xfe\xfd\xfc" * 50, "encoding"),
        (b"   \n", "empty"),
        ("name,city\n张伟,北京\n".encode(), "no number column"),
        (b"number\n" + b"1" * 200_000 + b"\n", "not a readable CSV"),
    ],
)
def test_an_unreadable_file_is_refused_with_a_clear_error(data: bytes, message: str) -> None:
    """Garbage, an unknown encoding, an empty file or no number column raise, naming why."""
    with pytest.raises(ImportFileError, match=message):
        import_file(data, "list.csv", "CN")


def test_a_mapped_column_missing_from_the_header_is_refused() -> None:
    """A mapping naming a column the file has not is an error, not an empty import."""
    with pytest.raises(ImportFileError, match="'mobile' is not in the header"):
        import_file(b"phone,name\n13800138000,a\n", "a.csv", "CN", Mapping(number="mobile"))


def xlsx(rows: list[list[object]]) -> bytes:
    """Return a real XLSX workbook holding rows on its first sheet."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def test_an_xlsx_list_with_numeric_cells_and_a_time_zone_column() -> None:
    """Numbers stored as numbers read as typed; a time zone is checked; mapping is explicit."""
    data = xlsx([
        ["客户", "手机", "zone", "level"],
        ["A", 13800138000, "Asia/Shanghai", 1],
        ["B", "+1 650 253 0000", "America/Los_Angeles", 2],
        ["C", 13912345678, "Mars/Olympus", 3],
        ["D", 13912345678.0, "", 4],
    ])  # fmt: skip
    report = import_file(data, "list.xlsx", "CN", Mapping("手机", "客户", "zone"))
    assert report.encoding == "xlsx"
    assert [(c.number, c.timezone, c.fields) for c in report.contacts] == [
        ("+8613800138000", "Asia/Shanghai", {"level": "1"}),
        ("+16502530000", "America/Los_Angeles", {"level": "2"}),
        ("+8613912345678", "", {"level": "4"}),
    ]
    assert [(e.row, e.column, e.problem, e.value) for e in report.errors] == [
        (4, "zone", Problem.BAD_TIMEZONE, "Mars/Olympus")
    ]
    accounted(report)


def test_a_cut_off_xlsx_is_refused_with_a_clear_error() -> None:
    """An XLSX file missing its end (an interrupted upload) is not read as an empty list."""
    data = xlsx([["number"], [13800138000]])
    with pytest.raises(ImportFileError, match="not a readable XLSX"):
        import_file(data[: len(data) // 2], "list.xlsx", "CN")


def test_numbers_are_normalised_in_the_box_region() -> None:
    """National, spaced, Excel-quoted and foreign forms all give E.164."""
    assert normalise("138 0013 8000", "CN") == "+8613800138000"
    assert normalise("'13800138000", "CN") == "+8613800138000"
    assert normalise("(650) 253-0000", "US") == "+16502530000"
    assert normalise("+44 20 7946 0958", "CN") == "+442079460958"
    assert normalise("12345", "CN") is Problem.INVALID_NUMBER
    assert normalise("call me", "CN") is Problem.BAD_NUMBER


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_the_delimiter_is_the_one_the_header_uses(delimiter: str) -> None:
    """European Excel's semicolons, tab-separated and pipe files read like commas."""
    text = f"电话{delimiter}姓名\n13800138000{delimiter}张伟\n"
    report = import_file(text.encode("gbk"), "l.csv", "CN")
    assert [(c.number, c.name) for c in report.contacts] == [("+8613800138000", "张伟")]
