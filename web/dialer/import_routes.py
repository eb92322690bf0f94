"""Importing a contact file: upload, the column mapping (guessed, editable), the report.

A file that cannot be read at all is refused with one message and nothing imported;
every row not imported is in the report (row, column, problem, value).
"""

from __future__ import annotations

from flask import render_template, request
from werkzeug.wrappers import Response

from appliance.dialer.exceptions import ImportFileError
from appliance.dialer.importing import Mapping, guess_mapping
from appliance.dialer.sources import read_table
from appliance.store import campaigns as store
from appliance.store.models import Campaign, ContactList
from web.admin import audit
from web.context import current_settings
from web.dialer import services, uploads
from web.dialer.routes import bp, campaign_or_404, supervisors
from web.exceptions import NotFound
from web.i18n import _

Page = str | Response | tuple[str, int]


@bp.get("/<int:campaign_id>/import")
@supervisors
def import_form(campaign_id: int) -> str:
    """Show the upload form and the campaign's earlier imports."""
    return _upload_page(campaign_or_404(campaign_id))


def _upload_page(row: Campaign, message: str = "") -> str:
    """Render the upload page (message: why the file was refused)."""
    lists = ContactList.select().where(ContactList.campaign == row).order_by(ContactList.id.desc())
    return render_template("dialer/import.html", row=row, lists=list(lists), message=message)


@bp.post("/<int:campaign_id>/import")
@supervisors
def upload(campaign_id: int) -> Page:
    """Read an uploaded file's header and offer the mapping (guessed) before importing."""
    row = campaign_or_404(campaign_id)
    file = request.files.get("file")
    data, filename = (file.read(), file.filename or "") if file is not None else (b"", "")
    try:
        table = read_table(data, filename)
    except ImportFileError as exc:
        return _upload_page(
            row, _("The file cannot be read, nothing was imported: %(why)s", why=exc)
        ), 400
    try:
        guessed = guess_mapping(table.header)
    except ImportFileError:
        guessed = Mapping("")
    values = {"number": guessed.number, "name": guessed.name, "timezone": guessed.timezone}
    return _mapping_page(row, uploads.keep(data), filename, table.header, values, {})


def _mapping_page(
    row: Campaign,
    token: str,
    filename: str,
    header: list[str],
    values: dict[str, str],
    errors: dict[str, str],
) -> str:
    """Render the mapping step."""
    return render_template(
        "dialer/mapping.html",
        row=row,
        token=token,
        filename=filename,
        header=header,
        values=values,
        errors=errors,
    )


@bp.post("/<int:campaign_id>/import/confirm")
@supervisors
def confirm(campaign_id: int) -> Page:
    """Import the waiting file with the mapping posted; show the report."""
    row = campaign_or_404(campaign_id)
    token, filename = request.form.get("token", ""), request.form.get("filename", "")[:200]
    data = uploads.read(token)
    if data is None:
        return _upload_page(row, _("The uploaded file is gone: upload it again.")), 400
    try:
        header = read_table(data, filename).header  # it was read at the upload: it reads again
    except ImportFileError as exc:
        uploads.drop(token)
        return _upload_page(
            row, _("The file cannot be read, nothing was imported: %(why)s", why=exc)
        ), 400
    values = {k: request.form.get(k, "") for k in ("number", "name", "timezone")}
    errors = {
        k: _("Choose a column of the file.") for k, v in values.items() if v and v not in header
    }
    if not values["number"]:
        errors["number"] = _("Choose the column holding the numbers.")
    if errors:
        return _mapping_page(row, token, filename, header, values, errors), 400
    mapping = Mapping(values["number"], values["name"], values["timezone"])
    try:
        listing, _report = store.import_contacts(row, data, filename, _region(), mapping)
    except ImportFileError as exc:
        return _upload_page(
            row, _("The file cannot be read, nothing was imported: %(why)s", why=exc)
        ), 400
    uploads.drop(token)
    audit.record(
        services.AREA,
        row.name,
        "import",
        None,
        {"file": filename, "imported": listing.imported, "rejected": listing.rejected},
    )
    return render_template("dialer/report.html", row=row, listing=listing)


def _region() -> str:
    """Return the box's region, the country of numbers written without a country code."""
    return current_settings().dialing.region


@bp.get("/<int:campaign_id>/lists/<int:list_id>")
@supervisors
def report(campaign_id: int, list_id: int) -> str:
    """Show an earlier import's report."""
    row = campaign_or_404(campaign_id)
    listing = ContactList.get_or_none((ContactList.id == list_id) & (ContactList.campaign == row))
    if listing is None:
        raise NotFound(_("No such import."))
    return render_template("dialer/report.html", row=row, listing=listing)
