"""Reason codes agents give for not being ready (示忙原因)."""

from __future__ import annotations

from typing import Any, ClassVar

from appliance.store.models import Agent, ReasonCode
from web.admin.areas.base import Area
from web.admin.schemas import NAME, Field, FormResult
from web.i18n import _
from web.i18n import lazy_gettext as _l


class Reasons(Area):
    """The reason codes area (read by the engine when an agent goes not ready)."""

    name = "reasons"
    title = _l("Not-ready reasons")
    model = ReasonCode
    key_field = "code"
    reloads_engine = False  # the engine reads them at each state change
    fields: ClassVar[list[Field]] = [
        Field("code", _l("Code"), required=True, pattern=NAME,
              pattern_message=_l("Lowercase letters, digits, - and _.")),
        Field("title", _l("Title"), required=True, max_length=64),
        Field("title_zh", _l("Title in Chinese"), max_length=64),
        Field("paid", _l("Paid time"), kind="bool"),
        Field("enabled", _l("Enabled"), kind="bool"),
    ]  # fmt: skip
    columns: ClassVar[list[tuple[str, Any]]] = [
        ("code", _l("Code")),
        ("title", _l("Title")),
        ("title_zh", _l("Title in Chinese")),
        ("paid", _l("Paid time")),
        ("enabled", _l("Enabled")),
    ]

    def check(self, result: FormResult, obj: Any | None) -> None:
        """Codes are unique."""
        code = result.values.get("code")
        self.unique(result, obj, "code", _("Code %(code)s exists.", code=code))

    def in_use(self, obj: Any) -> list[str]:
        """Agents not ready for this reason right now (disable the code instead)."""
        agents = Agent.select().where(Agent.state == "not_ready", Agent.state_reason == obj.code)
        return [_("agent %(ext)s (not ready for it now)", ext=a.extension) for a in agents]
