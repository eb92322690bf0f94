"""Ring groups (振铃组): a number that rings several extensions, all at once or in order."""

from __future__ import annotations

from typing import Any, ClassVar

from appliance.callflow.extensions import Forwarding
from appliance.callflow.ring_groups import IN_ORDER, SIMULTANEOUS
from appliance.store.models import Agent, InboundNumber, RingGroup
from web.admin.areas.base import Area
from web.admin.areas.forwarding import check_loop, forwards_except, number_taken
from web.admin.schemas import DIALLABLE, DIGITS, Field, FieldError, FormResult
from web.i18n import _
from web.i18n import lazy_gettext as _l


def _members(text: str) -> list[str]:
    """Return the member extensions in order (spaces or commas between), each existing once."""
    members = [ext for ext in text.replace(",", " ").split() if ext]
    if not members:
        raise FieldError(_("A group needs at least one extension."))
    if len(set(members)) != len(members):
        raise FieldError(_("An extension is listed twice."))
    known = {a.extension for a in Agent.select(Agent.extension).where(Agent.extension.in_(members))}
    missing = [ext for ext in members if ext not in known]
    if missing:
        raise FieldError(_("No such extension: %(names)s.", names=", ".join(missing)))
    return members


def _strategies() -> list[tuple[str, str]]:
    """Return how a group rings."""
    return [(SIMULTANEOUS, _("All at once")), (IN_ORDER, _("One after another, in order"))]


class RingGroups(Area):
    """The ring groups area (read by the engine at reload)."""

    name = "groups"
    title = _l("Ring groups")
    model = RingGroup
    key_field = "number"
    fields: ClassVar[list[Field]] = [
        Field("number", _l("Number"), required=True, max_length=8, pattern=DIGITS,
              pattern_message=_l("Digits only, e.g. 1001."),
              help=_l("Dialled like an extension; an inbound number may point at it too.")),
        Field("name", _l("Name"), max_length=64),
        Field("strategy", _l("Rings"), kind="choice", required=True, choices=_strategies),
        Field("members", _l("Extensions, in order"), required=True, max_length=500,
              check=_members, help=_l("Separated by spaces or commas.")),
        Field("ring_seconds", _l("Ring seconds"), kind="int", required=True, minimum=5,
              maximum=300, help=_l("Each extension in turn, or all of them at once.")),
        Field("no_answer", _l("When nobody answers, forward to"), max_length=32,
              pattern=DIALLABLE, pattern_message=_l("A number to dial: digits, * and #."),
              help=_l("An extension or an outside number; empty: the caller hears 480.")),
    ]  # fmt: skip
    columns: ClassVar[list[tuple[str, Any]]] = [
        ("number", _l("Number")),
        ("name", _l("Name")),
        ("strategy", _l("Rings")),
        ("members", _l("Extensions, in order")),
    ]

    def value_of(self, obj: Any, name: str) -> Any:
        """Return the members separated by spaces."""
        if name == "members":
            return " ".join(obj.members or [])
        return super().value_of(obj, name)

    def check(self, result: FormResult, obj: Any | None) -> None:
        """Numbers are not an extension's or another group's; no forward loop through it."""
        number = result.values.get("number")
        if number and number_taken(number, group=obj):
            result.errors.setdefault("number", _("Extension %(ext)s is taken.", ext=number))
        if result.errors or not number:
            return
        target = result.values.get("no_answer") or ""
        forwards = {**forwards_except(group=obj), number: Forwarding(no_answer=target)}
        check_loop(result, number, forwards, {"no_answer": target})

    def in_use(self, obj: Any) -> list[str]:
        """Inbound numbers ringing this group."""
        numbers = InboundNumber.select().where(
            (InboundNumber.target_type == "group") & (InboundNumber.target == obj.number)
        )
        return [_("inbound number %(number)s", number=n.number) for n in numbers]
