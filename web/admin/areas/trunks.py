"""Trunks (carrier connections) and inbound numbers (where each dialled number goes)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from appliance.callflow.inbound_rules import parse_all as parse_rule_lines
from appliance.store.models import (
    Agent,
    BusinessHours,
    InboundNumber,
    IvrFlow,
    Queue,
    RingGroup,
    Trunk,
    VoicemailBox,
)
from web.admin.areas.base import Area
from web.admin.areas.routes_out import routes_using
from web.admin.schemas import DIALLABLE, NAME, Field, FormResult
from web.i18n import _
from web.i18n import lazy_gettext as _l

HOST = re.compile(r"^[A-Za-z0-9.:\[\]-]+$")
LINE = re.compile(r"^[a-z0-9_-]+/[0-9]+$")  # a board's port, as the boards name it: gsm1/1
TARGET_TYPES = ("ivr", "queue", "agent", "group")


class Trunks(Area):
    """The trunks area."""

    name = "trunks"
    title = _l("Trunks")
    model = Trunk
    key_field = "name"
    fields: ClassVar[list[Field]] = [
        Field("name", _l("Name"), required=True, pattern=NAME,
              pattern_message=_l("Lowercase letters, digits, - and _.")),
        Field("kind", _l("Kind"), kind="choice", required=True,
              choices=lambda: [("peer", _("IP peer")), ("register", _("Registration")),
                               ("line", _("Board line"))],
              help=_l("Registration: the box registers to host:port with the user name and "
                      "password, and its calls out on this trunk use them.")),
        Field("host", _l("Host"), required=True, max_length=255,
              help=_l("A board line's host is the line, as board/port.")),
        Field("port", _l("Port"), kind="int", required=True, minimum=1, maximum=65535),
        Field("username", _l("User name"), max_length=64),
        Field("password", _l("Password"), kind="password", max_length=64,
              help=_l("Leave empty to keep the current one.")),
        Field("max_channels", _l("Most calls at once"), kind="int", required=True, minimum=0,
              maximum=1000, help=_l("0: no limit.")),
        Field("enabled", _l("Enabled"), kind="bool"),
    ]  # fmt: skip
    columns: ClassVar[list[tuple[str, Any]]] = [
        ("name", _l("Name")),
        ("kind", _l("Kind")),
        ("host", _l("Host")),
        ("port", _l("Port")),
        ("enabled", _l("Enabled")),
    ]

    def check(self, result: FormResult, obj: Any | None) -> None:
        """Names are unique; a registration needs a user name and a password."""
        values = result.values
        self.unique(
            result, obj, "name", _("A trunk named %(name)s exists.", name=values.get("name"))
        )
        if obj is not None and values.get("name") != obj.name and self.in_use(obj):
            users = "; ".join(self.in_use(obj))
            message = _(
                "Renaming is refused while something uses the trunk: %(users)s.", users=users
            )
            result.errors.setdefault("name", message)
        host = str(values.get("host") or "")
        if values.get("kind") == "line":
            if host and not LINE.fullmatch(host):
                result.errors.setdefault("host", _("A board line is named board/port."))
        elif host and not HOST.fullmatch(host):
            result.errors.setdefault("host", _("A host name or IP address."))
        if values.get("kind") == "register":
            if not values.get("username"):
                result.errors.setdefault("username", _("A registration needs a user name."))
            if not values.get("password") and not (obj is not None and obj.password):
                result.errors.setdefault("password", _("A registration needs a password."))

    def writes_column(self, name: str, value: Any) -> bool:
        """Keep the password when the field is left empty."""
        return not (name == "password" and not value)

    def in_use(self, obj: Any) -> list[str]:
        """Outbound routes that send calls out on this trunk."""
        return routes_using(obj.name)


def _trunks() -> list[tuple[str, str]]:
    """Return the trunk choices (none allowed)."""
    return [("", _("any")), *((t.name, t.name) for t in Trunk.select().order_by(Trunk.name))]


class Numbers(Area):
    """The inbound numbers area."""

    name = "numbers"
    title = _l("Inbound numbers")
    model = InboundNumber
    key_field = "number"
    fields: ClassVar[list[Field]] = [
        Field("number", _l("Number"), required=True, max_length=32, pattern=DIALLABLE,
              pattern_message=_l("A number to dial: digits, * and #.")),
        Field("trunk", _l("Trunk"), kind="choice", choices=_trunks),
        Field("target_type", _l("Goes to"), kind="choice", required=True,
              choices=lambda: [("ivr", _("IVR flow")), ("queue", _("Queue")),
                               ("agent", _("Agent")), ("group", _("Ring group")),
                              ("voicemail", _("Voicemail box"))]),
        Field("target", _l("Target"), required=True, max_length=64,
              help=_l("The flow's name, the queue's name, the agent's extension, the "
                      "ring group's number or the voicemail box's name.")),
        Field("rules", _l("Rules by caller and time"), kind="textarea", max_length=4000,
              help=_l("Tried in order before the target, one per line: "
                      "'from 0755* to queue sales', 'closed office to ivr night', "
                      "'from 13800138000 open office to agent 1001'. A caller is a number, "
                      "a prefix ending in * or anonymous; open/closed name business hours.")),
    ]  # fmt: skip
    columns: ClassVar[list[tuple[str, Any]]] = [("number", _l("Number")), ("trunk", _l("Trunk")),
               ("target_type", _l("Goes to")), ("target", _l("Target")),
               ("rules", _l("Rules"))]  # fmt: skip

    def value_of(self, obj: Any, name: str) -> Any:
        """Return the trunk by name."""
        if name == "trunk":
            return obj.trunk.name if obj.trunk_id else ""
        return super().value_of(obj, name)

    def cell(self, obj: Any, column: str) -> Any:
        """Show how many rules a number has (the form shows them)."""
        if column == "rules":
            return len(parse_rule_lines(obj.rules or "")[0]) or ""
        return super().cell(obj, column)

    def check(self, result: FormResult, obj: Any | None) -> None:
        """Numbers are unique; the target exists; every rule parses and names what exists."""
        values = result.values
        self.unique(result, obj, "number", _("Number %(n)s is taken.", n=values.get("number")))
        kind, target = values.get("target_type"), values.get("target")
        if target and kind and not target_exists(kind, target):
            result.errors.setdefault(
                "target", _("No %(kind)s named %(name)s.", kind=kind, name=target)
            )
        problems = rule_problems(str(values.get("rules") or ""))
        if problems:
            result.errors.setdefault("rules", " ".join(problems))

    def write(self, obj: Any | None, values: dict[str, Any]) -> Any:
        """Store the trunk by its row."""
        trunk = Trunk.get_or_none(Trunk.name == values["trunk"]) if values["trunk"] else None
        return super().write(obj, {**values, "trunk": trunk})


def target_exists(kind: str, target: str) -> bool:
    """Return true if a call can go to target of kind (ivr, queue, agent, group)."""
    exists = {
        "ivr": lambda: IvrFlow.select().where(IvrFlow.name == target).exists(),
        "queue": lambda: Queue.select().where(Queue.name == target).exists(),
        "agent": lambda: Agent.select().where(Agent.extension == target).exists(),
        "group": lambda: RingGroup.select().where(RingGroup.number == target).exists(),
        "voicemail": lambda: VoicemailBox.select().where(VoicemailBox.name == target).exists(),
    }
    return kind in exists and bool(exists[kind]())


RULE_PROBLEMS = {
    "caller": _l("the caller must be a number, a prefix ending in * or anonymous"),
    "unexpected": _l("write from, open, closed and to in that order"),
    "shape": _l("end the rule with: to TYPE TARGET"),
    "type": _l("the type must be ivr, queue, agent, group or voicemail"),
    "condition": _l("give a caller (from …) or hours (open or closed …)"),
}


def rule_problems(text: str) -> list[str]:
    """Return what is wrong with inbound rules, one sentence per bad line."""
    rules, errors = parse_rule_lines(text)
    problems = [_("Line %(n)s: %(problem)s.", n=e.line, problem=RULE_PROBLEMS[e.code])
                for e in errors]  # fmt: skip
    schedules = {h.name for h in BusinessHours.select(BusinessHours.name)}
    for rule in rules:
        if rule.hours and rule.hours not in schedules:
            problems.append(_("Line %(n)s: no business hours named %(name)s.", n=rule.line,
                              name=rule.hours))  # fmt: skip
        if not target_exists(rule.target_type, rule.target):
            problems.append(_("Line %(n)s: no %(kind)s named %(name)s.", n=rule.line,
                              kind=rule.target_type, name=rule.target))  # fmt: skip
    return problems
