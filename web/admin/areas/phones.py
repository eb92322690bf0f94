"""An agent's desk phone on the agent form: MAC address, vendor and model (provisioning/phones)."""

from __future__ import annotations

import re
from typing import Any

from appliance.store.models import Agent
from provisioning.phones import vendors
from web.admin.schemas import Field, FieldError, FormResult
from web.i18n import _
from web.i18n import lazy_gettext as _l

MAC_INPUT = re.compile(r"^[0-9a-f]{2}([:-]?[0-9a-f]{2}){5}$")


def phone_mac(text: str) -> str:
    """Return a typed MAC address as 12 lowercase hex digits ("" for none)."""
    if not text:
        return ""
    if not MAC_INPUT.fullmatch(text.lower()):
        raise FieldError(_("A MAC address: 12 hexadecimal digits, e.g. 80:5E:C0:12:34:56."))
    return re.sub(r"[:-]", "", text.lower())


def vendor_choices() -> list[tuple[str, str]]:
    """Return "no phone" and every phone vendor the box provisions."""
    return [("", _("No phone")), *((key, v.title) for key, v in vendors().items())]


PHONE_FIELDS = [
    Field("phone_mac", _l("Phone MAC address"), max_length=17, check=phone_mac,
          help=_l("The desk phone fetches its settings from /provision/ on this box.")),
    Field("phone_vendor", _l("Phone vendor"), kind="choice", choices=vendor_choices),
    Field("phone_model", _l("Phone model"), max_length=64),
]  # fmt: skip


def check_phone(result: FormResult, obj: Any | None) -> None:
    """A MAC needs a vendor and the other way round; no two agents share a phone."""
    mac, vendor = result.values.get("phone_mac"), result.values.get("phone_vendor")
    if mac and not vendor:
        result.errors.setdefault("phone_vendor", _("Choose the phone's vendor."))
    if vendor and not mac:
        result.errors.setdefault("phone_mac", _("Enter the phone's MAC address."))
    if mac:
        others = Agent.select().where(Agent.phone_mac == mac)
        if obj is not None:
            others = others.where(Agent.id != obj.id)
        other = others.first()
        if other is not None:
            result.errors.setdefault(
                "phone_mac", _("This phone belongs to agent %(ext)s.", ext=other.extension)
            )
