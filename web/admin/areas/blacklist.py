"""The blacklist (黑名单): calling numbers and prefixes refused on every call in from a trunk."""

from __future__ import annotations

from typing import Any, ClassVar

from appliance.callflow.blacklist import clean, valid_entry
from appliance.store.models import BlockedNumber
from web.admin.areas.base import Area
from web.admin.schemas import Field, FieldError, FormResult
from web.i18n import _
from web.i18n import lazy_gettext as _l


def _entry(value: str) -> str:
    """Return a blacklist entry without spaces and dashes, if it is a number or a prefix."""
    if not valid_entry(value):
        raise FieldError(_("A number, a prefix ending in * (e.g. 0755*), or anonymous."))
    return clean(value)


class Blacklist(Area):
    """The blacklist area (read by the engine at reload)."""

    name = "blacklist"
    title = _l("Blacklist")
    model = BlockedNumber
    key_field = "number"
    fields: ClassVar[list[Field]] = [
        Field("number", _l("Number or prefix"), required=True, max_length=32, check=_entry,
              help=_l("13800138000, a prefix such as 0755*, or anonymous.")),
        Field("note", _l("Note"), max_length=200),
    ]  # fmt: skip
    columns: ClassVar[list[tuple[str, Any]]] = [
        ("number", _l("Number or prefix")),
        ("note", _l("Note")),
    ]

    def check(self, result: FormResult, obj: Any | None) -> None:
        """Entries are unique."""
        number = result.values.get("number")
        self.unique(result, obj, "number", _("%(number)s is on the list already.", number=number))
