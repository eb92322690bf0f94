"""Turn a contact file into contacts and a row-level error report; nothing is silently dropped.

Every data row ends either imported or in the report with its row number, column,
reason and the value as given, so `imported + rows reported == rows read` always
holds.  Numbers become E.164 with `phonenumbers` (numbers without a country code are
read in the box's region); a row repeating a number of an earlier row or of the list
already stored is reported, the first kept.  A bad row never stops the good ones.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from appliance.dialer.exceptions import ImportFileError
from appliance.dialer.sources import Table, read_table

NUMBER_HEADERS = ("number", "phone", "mobile", "tel", "电话", "手机", "手机号", "号码", "联系电话")
NAME_HEADERS = ("name", "姓名", "客户", "客户姓名")
ZONE_HEADERS = ("timezone", "time zone", "时区")


class Problem(StrEnum):
    """Why a row was not imported."""

    BLANK = "blank"  # every cell empty
    NO_NUMBER = "no_number"
    BAD_NUMBER = "bad_number"  # not a number phonenumbers can read
    INVALID_NUMBER = "invalid_number"  # read, but no such number is in service anywhere
    DUPLICATE_IN_FILE = "duplicate_in_file"
    ALREADY_IN_LIST = "already_in_list"
    BAD_TIMEZONE = "bad_timezone"
    CUT_OFF = "cut_off"  # the file ended inside this row


@dataclass(frozen=True)
class Mapping:
    """Which header holds what; columns not named go to the contact's fields."""

    number: str
    name: str = ""
    timezone: str = ""


@dataclass(frozen=True)
class ImportedContact:
    """A row that becomes a contact."""

    row: int
    number: str  # E.164
    name: str
    timezone: str  # "" when the file gives none
    fields: dict[str, str]


@dataclass(frozen=True)
class RowError:
    """A row not imported: where, why, and what it held."""

    row: int
    column: str
    problem: Problem
    value: str
    detail: str = ""  # e.g. "row 7" for a duplicate


@dataclass
class ImportReport:
    """The outcome of one import."""

    encoding: str
    rows: int = 0
    contacts: list[ImportedContact] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def guess_mapping(header: Sequence[str]) -> Mapping:
    """Return a mapping from well-known header names; raise ImportFileError without a number."""
    lowered = {cell.strip().lower(): cell for cell in header}
    number = next((lowered[h] for h in NUMBER_HEADERS if h in lowered), "")
    if not number:
        raise ImportFileError(f"no number column among {list(header)}: name it in the mapping")
    name = next((lowered[h] for h in NAME_HEADERS if h in lowered), "")
    zone = next((lowered[h] for h in ZONE_HEADERS if h in lowered), "")
    return Mapping(number, name, zone)


def import_file(
    data: bytes,
    filename: str,
    region: str,
    mapping: Mapping | None = None,
    existing: Collection[str] = (),
) -> ImportReport:
    """Read a CSV or XLSX file into contacts and a report; raise ImportFileError if unreadable."""
    table = read_table(data, filename)
    return import_table(table, region, mapping or guess_mapping(table.header), existing)


def import_table(
    table: Table, region: str, mapping: Mapping, existing: Collection[str] = ()
) -> ImportReport:
    """Turn a table's rows into contacts and row errors."""
    columns = _columns(table.header, mapping)
    report = ImportReport(table.encoding, rows=len(table.rows))
    first_row: dict[str, int] = {}
    for number, cells in table.rows:
        values = {name: cells[i].strip() if i < len(cells) else "" for name, i in columns.items()}
        if number == table.cut_row:
            raw = values[mapping.number]
            report.errors.append(RowError(number, mapping.number, Problem.CUT_OFF, raw))
            continue
        outcome = _row(number, values, mapping, region, existing, first_row)
        if isinstance(outcome, RowError):
            report.errors.append(outcome)
        else:
            report.contacts.append(outcome)
    return report


def _columns(header: Sequence[str], mapping: Mapping) -> dict[str, int]:
    """Return each named column's index; raise ImportFileError for a mapped one not there."""
    index = {name: i for i, name in reversed(list(enumerate(header))) if name}
    for wanted in (mapping.number, mapping.name, mapping.timezone):
        if wanted and wanted not in index:
            raise ImportFileError(f"column {wanted!r} is not in the header {list(header)}")
    return index


def _row(
    row: int,
    values: dict[str, str],
    mapping: Mapping,
    region: str,
    existing: Collection[str],
    first_row: dict[str, int],
) -> ImportedContact | RowError:
    """Return the contact a row makes, or why it makes none."""
    raw = values[mapping.number]
    if not any(values.values()):
        return RowError(row, "", Problem.BLANK, "")
    if not raw:
        return RowError(row, mapping.number, Problem.NO_NUMBER, raw)
    number = normalise(raw, region)
    if isinstance(number, Problem):
        return RowError(row, mapping.number, number, raw)
    zone = values.get(mapping.timezone, "") if mapping.timezone else ""
    if zone and not _known_zone(zone):
        return RowError(row, mapping.timezone, Problem.BAD_TIMEZONE, zone)
    if number in first_row:
        detail = f"row {first_row[number]}"
        return RowError(row, mapping.number, Problem.DUPLICATE_IN_FILE, raw, detail)
    if number in existing:
        return RowError(row, mapping.number, Problem.ALREADY_IN_LIST, raw, number)
    first_row[number] = row
    taken = {mapping.number, mapping.name, mapping.timezone}
    extra = {name: value for name, value in values.items() if name not in taken}
    return ImportedContact(row, number, values.get(mapping.name, ""), zone, extra)


def normalise(raw: str, region: str) -> str | Problem:
    """Return a number in E.164, or the problem with it."""
    cleaned = raw.strip().replace("\u00a0", "").replace("'", "")  # Excel's text-cell quote
    try:
        parsed = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        return Problem.BAD_NUMBER
    if not phonenumbers.is_valid_number(parsed):
        return Problem.INVALID_NUMBER
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _known_zone(name: str) -> bool:
    """Return true if the box knows an IANA time zone name."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
