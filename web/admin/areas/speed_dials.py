"""The box's speed-dial list (快捷拨号): a phone dials *0<code> to call the number."""

from __future__ import annotations

from typing import Any, ClassVar

from appliance.callflow.features import SPEED_DIAL_CODE, FeatureCodes
from appliance.store.models import SpeedDial
from web.admin.areas.base import Area
from web.admin.schemas import DIALLABLE, Field, FieldError, FormResult
from web.context import current_settings
from web.i18n import _
from web.i18n import lazy_gettext as _l


def _code(value: str) -> str:
    """Return a speed-dial code as stored (05 is 5), if it is one."""
    if not SPEED_DIAL_CODE.fullmatch(value or ""):
        raise FieldError(_("A code from 0 to 99."))
    return str(int(value))


def _number(value: str) -> str:
    """Return the number a code calls, unless it is itself a speed-dial code."""
    if value.startswith(FeatureCodes.of(current_settings().features).speed_dial):
        raise FieldError(_("A speed dial cannot call another speed dial."))
    return value


class SpeedDials(Area):
    """The speed-dial area (read by the engine at reload)."""

    name = "speed-dials"
    title = _l("Speed dial")
    model = SpeedDial
    key_field = "code"
    fields: ClassVar[list[Field]] = [
        Field("code", _l("Code"), required=True, max_length=3, check=_code,
              attrs={"inputmode": "numeric"},
              help=_l("0 to 99: a phone dials *0 and the code, e.g. *05.")),
        Field("number", _l("Number"), required=True, max_length=32, pattern=DIALLABLE,
              pattern_message=_l("A number to dial: digits, * and #."), check=_number,
              help=_l("An extension, a ring group or an outside number, as a phone dials it.")),
        Field("name", _l("Name"), max_length=64),
    ]  # fmt: skip
    columns: ClassVar[list[tuple[str, Any]]] = [
        ("code", _l("Code")),
        ("number", _l("Number")),
        ("name", _l("Name")),
    ]

    def check(self, result: FormResult, obj: Any | None) -> None:
        """Codes are unique."""
        code = result.values.get("code")
        self.unique(result, obj, "code", _("Code %(code)s is taken already.", code=code))
