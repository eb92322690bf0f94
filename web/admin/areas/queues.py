"""Queues: every option of the Queue table, checked with the call-flow code's own parsers."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from peewee import Model

from appliance.callflow import targets
from appliance.callflow.queue_options import Presence
from appliance.callflow.skills import check_requirements
from appliance.callflow.strategies import STRATEGIES
from appliance.store.models import Queue, QueueMember, RegionGroup, RoutingRule
from web.admin import usage
from web.admin.areas import queue_routing
from web.admin.areas.base import Area
from web.admin.schemas import NAME, Field, FieldError, FormResult, format_levels, name_levels
from web.i18n import _
from web.i18n import lazy_gettext as _l

EXIT_KEYS = ["", *"0123456789*#"]
DAY = 86400
RETENTION_MAX_DAYS = 36500


def _strategies() -> list[tuple[str, str]]:
    """Return the routing strategies the engine knows."""
    return [(name, name) for name in sorted(STRATEGIES)]


def _presences() -> list[tuple[str, str]]:
    """Return the join/stay levels."""
    return [(p.value, p.value) for p in Presence]


def _parsed(parse: Any, text: str) -> str:
    """Return text if parse accepts it; raise FieldError with parse's message."""
    try:
        parse(text)
    except KeyError as exc:
        raise FieldError(str(exc.args[0])) from None
    return text


def _skills(text: str) -> dict[str, int]:
    """Return required skill levels from "billing:3 english:1"."""
    return name_levels(text, _("skill"))


def _widen(text: str) -> list[list[int]]:
    """Return [[seconds, levels], ...] from "30:1 60:2"."""
    steps = []
    for seconds, levels in name_levels(text, _("seconds")).items():
        if not seconds.isdigit():
            raise FieldError(_("%(item)s is not seconds:levels.", item=seconds))
        steps.append([int(seconds), levels])
    return sorted(steps)


def _int(name: str, label: Any, high: int, low: int = 0, **kw: Any) -> Field:
    """Return a whole-number field from low to high."""
    return Field(name, label, kind="int", required=True, minimum=low, maximum=high, **kw)


class Queues(Area):
    """The queues area."""

    name = "queues"
    title = _l("Queues")
    model = Queue
    key_field = "name"
    children: ClassVar[list[tuple[type[Model], str]]] = [
        (QueueMember, "queue"),
        (RoutingRule, "queue"),
        (RegionGroup, "queue"),
    ]
    fields: ClassVar[list[Field]] = [
        Field("name", _l("Name"), required=True, pattern=NAME,
              pattern_message=_l("Lowercase letters, digits, - and _.")),
        Field("title", _l("Title"), max_length=100),
        Field("strategy", _l("Strategy"), kind="choice", required=True, choices=_strategies),
        Field("music_class", _l("Music on hold"), required=True),
        _int("ring_seconds", _l("Ring an agent for (seconds)"), 600, 1),
        _int("max_wait_seconds", _l("Longest wait (seconds)"), DAY),
        _int("wrap_up_seconds", _l("Wrap-up (seconds)"), 3600),
        Field("record", _l("Record calls"), kind="bool"),
        Field("recording_retention_days", _l("Keep recordings for (days)"), kind="int",
              minimum=0, maximum=RETENTION_MAX_DAYS,
              help=_l("0 or empty: keep forever. Older recordings are deleted, except those "
                      "with a QA evaluation (docs/qa.md).")),
        _int("autopause_after", _l("Pause an agent after unanswered rings"), 100,
             help=_l("0: never pause.")),
        _int("max_callers", _l("Most callers waiting"), 10000, help=_l("0: no limit.")),
        Field("overflow", _l("Overflow to"), max_length=100,
              check=lambda t: _parsed(targets.overflow_target, t),
              help=_l("queue:<name>, ivr:<node>, voicemail[:<box>], external:<number> or empty.")),
        Field("skills", _l("Required skills"), max_length=500, check=_skills,
              help=_l("skill:level, separated by spaces, e.g. billing:3")),
        Field("skill_widen", _l("Relax skills"), max_length=500, check=_widen,
              help=_l("seconds waited:levels relaxed, e.g. 30:1 60:2")),
        _int("sticky_days", _l("Sticky: the caller's last agent within (days)"), 3650),
        _int("preferred_wait_seconds", _l("Wait for the preferred agent (seconds)"), 3600),
        _int("announce_seconds", _l("Announce position every (seconds)"), 3600,
             help=_l("0: off.")),
        _int("periodic_seconds", _l("Periodic prompt every (seconds)"), 3600, help=_l("0: off.")),
        Field("periodic_prompt", _l("Periodic prompt"), required=True, pattern=NAME,
              pattern_message=_l("Lowercase letters, digits, - and _.")),
        Field("exit_key", _l("Exit key"), kind="choice",
              choices=lambda: [(k, k) for k in EXIT_KEYS]),
        Field("exit_target", _l("Exit to"), max_length=100,
              check=lambda t: _parsed(targets.exit_target, t),
              help=_l("As overflow, or callback.")),
        Field("join_when", _l("Callers may join when"), kind="choice", required=True,
              choices=_presences),
        Field("stay_when", _l("Callers stay while"), kind="choice", required=True,
              choices=_presences),
        _int("callback_attempts", _l("Callback attempts"), 20, 1),
        _int("callback_retry_seconds", _l("Between callback attempts (seconds)"), DAY),
        Field("routing_rules", _l("Routing rules (JSON)"), kind="textarea", max_length=20000,
              check=queue_routing.parse_rules,
              help=_l('In order: [{"conditions": [...], "action": {"target": "queue:b"}}], '
                      "see docs/routing.md")),
        Field("regions", _l("Region groups"), kind="textarea", max_length=5000,
              check=queue_routing.parse_regions,
              help=_l("One per line: a region, then queue:<name> or ivr:<node>, "
                      "e.g. Guangdong queue:gd")),
    ]  # fmt: skip
    columns: ClassVar[list[tuple[str, Any]]] = [
        ("name", _l("Name")),
        ("title", _l("Title")),
        ("strategy", _l("Strategy")),
        ("members", _l("Members")),
        ("overflow", _l("Overflow to")),
    ]

    def value_of(self, obj: Any, name: str) -> Any:
        """Return skills, widening and members as text."""
        if name == "skills":
            return format_levels(obj.skills or {})
        if name == "skill_widen":
            return format_levels((str(s), lv) for s, lv in obj.skill_widen or [])
        if name == "routing_rules":
            return queue_routing.rules_text(obj) if obj.id else ""
        if name == "regions":
            regions = queue_routing.regions_of(obj) if obj.id else {}
            return "\n".join(f"{region} {target}" for region, target in regions.items())
        if name == "members":
            members = obj.members.order_by(QueueMember.penalty) if obj.id else []
            return ", ".join(m.agent.extension for m in members)
        return super().value_of(obj, name)

    def check(self, result: FormResult, obj: Any | None) -> None:
        """Names are unique; targets name existing queues; exit key needs a target."""
        values, errors = result.values, result.errors
        self.unique(
            result, obj, "name", _("A queue named %(name)s exists.", name=values.get("name"))
        )
        for field in ("overflow", "exit_target"):
            kind, target = _target(values.get(field))
            if kind == "queue" and target == values.get("name"):
                errors.setdefault(field, _("A queue cannot send callers to itself."))
            elif kind == "queue" and not Queue.select().where(Queue.name == target).exists():
                errors.setdefault(field, _("No such queue: %(names)s.", names=target))
        if obj is not None and values.get("name") != obj.name and self.in_use(obj):
            users = "; ".join(self.in_use(obj))
            message = _(
                "Renaming is refused while something uses the queue: %(users)s.", users=users
            )
            errors.setdefault("name", message)
        if "routing_rules" not in errors and "regions" not in errors:
            missing = queue_routing.unknown_queues(
                values["routing_rules"], values["regions"], values.get("name") or ""
            )
            if missing:
                errors["routing_rules"] = _("No such queue: %(names)s.", names=", ".join(missing))
        if values.get("exit_key") and not values.get("exit_target"):
            errors.setdefault("exit_target", _("An exit key needs somewhere to exit to."))
        if "skills" not in errors and "skill_widen" not in errors:
            try:
                check_requirements(
                    values.get("name") or "", values["skills"], values["skill_widen"]
                )
            except KeyError as exc:
                errors["skills"] = str(exc.args[0])

    def write_extra(self, obj: Any, values: dict[str, Any]) -> None:
        """Replace the queue's routing rules and region groups."""
        queue_routing.write(obj, values["routing_rules"], values["regions"])

    def describe_extra(self, obj: Any) -> dict[str, Any]:
        """Show the routing rules and region groups in the audit log."""
        rules = queue_routing.rules_text(obj)
        return {"routing_rules": json.loads(rules) if rules else [],
                "regions": queue_routing.regions_of(obj)}  # fmt: skip

    def in_use(self, obj: Any) -> list[str]:
        """IVR nodes, inbound numbers and other queues sending callers here."""
        return usage.queue_users(obj.name, obj.id)


def _target(text: Any) -> tuple[str, str]:
    """Return (kind, name) of a target text already checked ("", "" if none)."""
    kind, _sep, name = str(text or "").partition(":")
    return kind, name
