"""The agent console's campaign panel: preview, the popped record, the disposition form."""

from __future__ import annotations

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from appliance.store.models import Campaign, CampaignContact, DialAttempt
from web.agent import campaign_work as work
from web.agent.routes import check_csrf, console_roles
from web.agent.services import extension_of
from web.dialer.labels import MODES, disposition_choices, label
from web.exceptions import BadRequest
from web.i18n import _

bp = Blueprint("agent_campaign", __name__, url_prefix="/agent/campaign")
bp.before_request(check_csrf)
Page = str | Response | tuple[str, int]


def _fragment() -> bool:
    """Return true when the console's script asks (it wants a fragment or JSON)."""
    return request.headers.get("X-Requested-With") == "callbox"


@bp.get("/preview")
@console_roles
def preview() -> str:
    """Return the next record to preview (HTML fragment): the contact, script, Dial / Skip."""
    found = work.preview_next(extension_of(g.user))
    return render_template("agent/_campaign_preview.html", **found)


@bp.post("/preview/<int:contact_id>/<any(dial, skip):operation>")
@console_roles
def preview_act(contact_id: int, operation: str) -> Response:
    """Dial or skip the previewed record."""
    note = work.preview_act(extension_of(g.user), contact_id, operation)
    return jsonify({"note": note})


@bp.get("/pop")
@console_roles
def pop() -> str:
    """Return the popped record of a connected campaign call, with the disposition form.

    The query names what `campaign.connected` carries: `campaign`, `contact`, `attempt`.
    """
    args = {k: request.args.get(k, "") for k in ("campaign", "contact", "attempt")}
    if not args["campaign"].isdigit() or not args["contact"].isdigit():
        raise BadRequest(_("No such contact in this campaign."))
    campaign, contact = work.popped(int(args["campaign"]), int(args["contact"]))
    return _record(campaign, contact, {"attempt": args["attempt"]}, {})


def _record(
    campaign: Campaign, contact: CampaignContact, values: dict[str, str], errors: dict[str, str]
) -> str:
    """Render the record, the script and the disposition form."""
    return render_template(
        "agent/_campaign_record.html",
        campaign=campaign,
        contact=contact,
        values=values,
        errors=errors,
        choices=disposition_choices(campaign.dispositions),
    )


@bp.post("/disposition")
@console_roles
def disposition() -> Page:
    """Keep the agent's disposition, note and callback; errors show on the form again."""
    values, errors = work.check(g.user, request.form)
    if errors:
        attempt = (
            DialAttempt.get_or_none(DialAttempt.id == values["attempt"])
            if values["attempt"].isdigit()
            else None
        )
        if attempt is None:
            raise BadRequest(errors["attempt"])
        page = _record(attempt.campaign, attempt.contact, values, errors)
        return page, 400
    note = work.dispose(extension_of(g.user), values)
    if _fragment():
        return jsonify({"note": note})
    flash(note)
    return redirect(url_for("agent.index"))


@bp.app_template_global("dialer_mode")
def dialer_mode(mode: str) -> str:
    """Return a campaign mode in the user's language (for the console)."""
    return label(MODES, mode)
