"""Do-not-call lists: the global one and each campaign's; add, remove, upload numbers.

Numbers are kept in E.164 (`store.campaigns.add_dnc`); one that is no phone number is
refused on its field with what was typed kept.  An uploaded file is a CSV/XLSX read
like a contact list: every number column row is added, the rest reported.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from appliance.dialer.exceptions import ImportFileError
from appliance.dialer.importing import import_file
from appliance.store import campaigns as store
from appliance.store.database import db
from appliance.store.models import Campaign, DoNotCallNumber
from web.admin import audit
from web.context import current_settings
from web.dialer.labels import PROBLEMS, label
from web.dialer.routes import bp, campaign_or_404, supervisors
from web.exceptions import NotFound
from web.i18n import _

Page = str | Response | tuple[str, int]
AREA = "do_not_call"
PAGE_SIZE = 200


def _campaign(campaign_id: int | None) -> Campaign | None:
    """Return the campaign of the URL (None: the global list)."""
    return campaign_or_404(campaign_id) if campaign_id is not None else None


def _list_key(row: Campaign | None) -> str:
    """Return the audit key of a list: the campaign's name or "global"."""
    return row.name if row is not None else "global"


@bp.get("/dnc")
@bp.get("/<int:campaign_id>/dnc")
@supervisors
def dnc(campaign_id: int | None = None) -> str:
    """Show a do-not-call list."""
    return _page(_campaign(campaign_id))


def _page(
    row: Campaign | None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    report: list[str] | None = None,
) -> str:
    """Render a do-not-call list with its add and upload forms."""
    scope = DoNotCallNumber.campaign.is_null() if row is None else DoNotCallNumber.campaign == row
    numbers = DoNotCallNumber.select().where(scope).order_by(DoNotCallNumber.number)
    return render_template(
        "dialer/dnc.html",
        row=row,
        numbers=list(numbers.limit(PAGE_SIZE)),
        total=numbers.count(),
        values=values or {},
        errors=errors or {},
        report=report or [],
    )


@bp.post("/dnc")
@bp.post("/<int:campaign_id>/dnc")
@supervisors
def dnc_add(campaign_id: int | None = None) -> Page:
    """Add one number; a wrong one is refused on its field."""
    row = _campaign(campaign_id)
    values = {k: request.form.get(k, "").strip() for k in ("number", "note")}
    if not values["number"]:
        return _page(row, values, {"number": _("This field is required.")}), 400
    if len(values["note"]) > 200:
        return _page(row, values, {"note": _("At most %(n)d characters.", n=200)}), 400
    try:
        e164 = store.add_dnc(values["number"], _region(), row, values["note"])
    except ValueError:
        return _page(row, values, {"number": _("Not a phone number.")}), 400
    audit.record(AREA, _list_key(row), "create", None, {"number": e164, "note": values["note"]})
    flash(_("%(number)s is not to be called.", number=e164))
    return redirect(_back(row))


@bp.post("/dnc/<int:number_id>/delete")
@supervisors
def dnc_remove(number_id: int) -> Response:
    """Take a number off its list."""
    entry = DoNotCallNumber.get_or_none(DoNotCallNumber.id == number_id)
    if entry is None:
        raise NotFound(_("No such number on the list."))
    row = entry.campaign
    entry.delete_instance()
    audit.record(AREA, _list_key(row), "delete", {"number": entry.number, "note": entry.note})
    flash(_("%(number)s may be called again.", number=entry.number))
    return redirect(_back(row))


@bp.post("/dnc/upload")
@bp.post("/<int:campaign_id>/dnc/upload")
@supervisors
def dnc_upload(campaign_id: int | None = None) -> Page:
    """Add every number of a CSV/XLSX file; show the rows that were not numbers."""
    row = _campaign(campaign_id)
    file = request.files.get("file")
    data, filename = (file.read(), file.filename or "") if file is not None else (b"", "")
    try:
        report = import_file(data, filename, _region())
    except ImportFileError as exc:
        message = _("The file cannot be read, nothing was added: %(why)s", why=exc)
        return _page(row, errors={"file": message}), 400
    with db.atomic():
        for contact in report.contacts:
            store.add_dnc(contact.number, _region(), row)
    audit.record(
        AREA, _list_key(row), "import", None, {"file": filename, "added": len(report.contacts)}
    )
    flash(_("%(n)d numbers added.", n=len(report.contacts)))
    lines = [f"{e.row} · {label(PROBLEMS, e.problem)} · {e.value}" for e in report.errors]
    return _page(row, report=lines)


def _back(row: Campaign | None) -> str:
    """Return the URL of the list a change was made to."""
    if row is None:
        return url_for("dialer.dnc")
    return url_for("dialer.dnc", campaign_id=row.id)


def _region() -> str:
    """Return the box's region for numbers without a country code."""
    return current_settings().dialing.region
