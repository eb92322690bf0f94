"""Agents: extension, name, SIP password, wrap-up, auto ready, skills and queue memberships."""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from peewee import Model

from appliance.callflow.call_class import DEFAULT_CLASS
from appliance.callflow.extensions import DEFAULT_RING_SECONDS
from appliance.store.models import (
    Agent,
    AgentSkill,
    BusinessHours,
    InboundNumber,
    Queue,
    QueueMember,
    RingGroup,
)
from web.admin.areas.base import Area
from web.admin.areas.forwarding import (
    AGENT_FORWARDS,
    agent_forwarding,
    check_loop,
    forwards_except,
    number_taken,
)
from web.admin.areas.phones import PHONE_FIELDS, check_phone
from web.admin.schemas import (
    DIALLABLE,
    DIGITS,
    Field,
    FieldError,
    FormResult,
    format_levels,
    name_levels,
)
from web.i18n import _
from web.i18n import lazy_gettext as _l

MIN_SIP_PASSWORD = 8


def generate_sip_password() -> str:
    """Return a new random SIP password (about 96 bits, easy to type into a phone)."""
    return secrets.token_urlsafe(12)


def _sip_password(value: str) -> str:
    """Return a typed SIP password if long enough."""
    if len(value) < MIN_SIP_PASSWORD:
        raise FieldError(_("At least %(n)d characters.", n=MIN_SIP_PASSWORD))
    return value


def _skills(text: str) -> dict[str, int]:
    """Return skill levels from "billing:3 sales:1"."""
    return name_levels(text, _("skill"))


def _queues(text: str) -> dict[str, int]:
    """Return queue penalties from "sales:0 support:2", each queue checked to exist."""
    wanted = name_levels(text, _("queue"))
    known = {q.name for q in Queue.select(Queue.name).where(Queue.name.in_(list(wanted)))}
    missing = sorted(set(wanted) - known)
    if missing:
        raise FieldError(_("No such queue: %(names)s.", names=", ".join(missing)))
    return wanted


def _call_classes() -> list[tuple[str, str]]:
    """Return the classes of service, narrowest first."""
    return [
        ("internal", _("Internal only")),
        ("local", _("Local")),
        ("national", _("National")),
        ("international", _("International")),
    ]


def _schedules() -> list[tuple[str, str]]:
    """Return "at any time" and the business-hours schedules."""
    names = BusinessHours.select(BusinessHours.name).order_by(BusinessHours.name)
    return [("", _("at any time")), *((h.name, h.name) for h in names)]


def check_forward_loop(result: FormResult, obj: Agent | None) -> None:
    """Put an error on the forward field that starts a chain of forwards coming back."""
    extension, values = result.values["extension"], result.values
    forwards = {**forwards_except(agent=obj), extension: agent_forwarding(values)}
    check_loop(result, extension, forwards, {n: values.get(n) or "" for n in AGENT_FORWARDS})


class Agents(Area):
    """The agents area."""

    name = "agents"
    title = _l("Agents")
    model = Agent
    key_field = "extension"
    children: ClassVar[list[tuple[type[Model], str]]] = [
        (AgentSkill, "agent"),
        (QueueMember, "agent"),
    ]
    fields: ClassVar[list[Field]] = [
        Field("extension", _l("Extension"), required=True, max_length=8, pattern=DIGITS,
              pattern_message=_l("Digits only, e.g. 1001."), attrs={"inputmode": "numeric"}),
        Field("name", _l("Name"), required=True, max_length=64),
        Field("sip_password", _l("SIP password"), kind="password", max_length=64,
              check=_sip_password,
              help=_l("Leave empty to generate one (new agent) or keep the current one.")),
        Field("wrap_up_seconds", _l("Wrap-up seconds"), kind="int", minimum=0, maximum=3600,
              blank_none=True, help=_l("Empty: the queue's wrap-up.")),
        Field("auto_ready", _l("Ready when the phone registers"), kind="bool"),
        Field("forward_to", _l("Forward direct calls to"), max_length=32, pattern=DIALLABLE,
              pattern_message=_l("A number to dial: digits, * and #."),
              help=_l("Always: an extension or an outside number.")),
        Field("forward_busy", _l("Forward when busy or DND"), max_length=32, pattern=DIALLABLE,
              pattern_message=_l("A number to dial: digits, * and #."),
              help=_l("Empty: the caller hears busy.")),
        Field("forward_no_answer", _l("Forward when not answered"), max_length=32,
              pattern=DIALLABLE, pattern_message=_l("A number to dial: digits, * and #."),
              help=_l("Also when the phone is not registered.")),
        Field("forward_ring_seconds", _l("Ring seconds before forwarding"), kind="int",
              minimum=5, maximum=300, check=lambda value: value or DEFAULT_RING_SECONDS),
        Field("call_waiting", _l("Call waiting"), kind="bool",
              help=_l("A colleague's call rings while this phone is in a call; off: busy.")),
        Field("skills", _l("Skills"), max_length=500,
              help=_l("skill:level, separated by spaces, e.g. billing:3 english:1"), check=_skills),
        Field("queues", _l("Queues"), max_length=500, check=_queues,
              help=_l("queue:penalty, separated by spaces, e.g. sales:0 support:2")),
        Field("call_class", _l("May call"), kind="choice", choices=_call_classes,
              check=lambda value: value or DEFAULT_CLASS.label,
              help=_l("The widest calls out allowed; emergency numbers always are.")),
        Field("call_hours", _l("Calls out allowed"), kind="choice", choices=_schedules),
        Field("max_call_seconds", _l("Longest call out (seconds)"), kind="int", minimum=0,
              maximum=86400, help=_l("0: no limit.")),
        Field("caller_id", _l("Caller ID on calls out"), max_length=32, pattern=DIALLABLE,
              pattern_message=_l("A number to dial: digits, * and #."),
              help=_l("Empty: the outbound route's.")),
        *PHONE_FIELDS,
    ]  # fmt: skip
    columns: ClassVar[list[tuple[str, Any]]] = [
        ("extension", _l("Extension")),
        ("name", _l("Name")),
        ("queues", _l("Queues")),
        ("skills", _l("Skills")),
    ]

    def value_of(self, obj: Any, name: str) -> Any:
        """Return skills and queues as text; other fields as columns."""
        if name in ("skills", "queues"):
            return format_levels(self._levels(obj, name)) if obj.id else ""
        return super().value_of(obj, name)

    def _levels(self, obj: Agent, name: str) -> dict[str, int]:
        """Return the agent's skill levels or queue penalties."""
        if name == "skills":
            skills = AgentSkill.select().where(AgentSkill.agent == obj).order_by(AgentSkill.skill)
            return {s.skill: s.level for s in skills}
        members = (
            QueueMember.select(QueueMember, Queue)
            .join(Queue)
            .where(QueueMember.agent == obj)
            .order_by(Queue.name)
        )
        return {m.queue.name: m.penalty for m in members}

    def check(self, result: FormResult, obj: Any | None) -> None:
        """Extensions are unique (ring groups' numbers too), phones too; no forward loops."""
        extension = result.values.get("extension")
        if extension and number_taken(extension, agent=obj):
            result.errors.setdefault("extension", _("Extension %(ext)s is taken.", ext=extension))
        check_phone(result, obj)
        if not result.errors:
            check_forward_loop(result, obj)

    def writes_column(self, name: str, value: Any) -> bool:
        """Keep the SIP password when the field is left empty."""
        return not (name == "sip_password" and not value)

    def write(self, obj: Any | None, values: dict[str, Any]) -> Any:
        """Create or update the agent; generate a SIP password for a new one if none typed."""
        if obj is None and not values.get("sip_password"):
            values = {**values, "sip_password": generate_sip_password()}
        return super().write(obj, values)

    def write_extra(self, obj: Any, values: dict[str, Any]) -> None:
        """Replace the agent's skills and memberships with the form's."""
        AgentSkill.delete().where(AgentSkill.agent == obj).execute()
        for skill, level in values["skills"].items():
            AgentSkill.create(agent=obj, skill=skill, level=level)
        QueueMember.delete().where(QueueMember.agent == obj).execute()
        for queue, penalty in values["queues"].items():
            QueueMember.create(agent=obj, queue=Queue.get(Queue.name == queue), penalty=penalty)

    def describe_extra(self, obj: Any) -> dict[str, Any]:
        """Show skills and memberships in the audit log."""
        return {"skills": self._levels(obj, "skills"), "queues": self._levels(obj, "queues")}

    def in_use(self, obj: Any) -> list[str]:
        """Inbound numbers ringing this agent."""
        numbers = InboundNumber.select().where(
            (InboundNumber.target_type == "agent") & (InboundNumber.target == obj.extension)
        )
        found = [_("inbound number %(number)s", number=n.number) for n in numbers]
        groups = [g for g in RingGroup.select() if obj.extension in (g.members or [])]
        return found + [_("ring group %(number)s", number=g.number) for g in groups]
