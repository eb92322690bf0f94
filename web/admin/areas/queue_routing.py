"""A queue's conditional routing rules and region groups, as two inputs of the queue form.

Rules are typed as JSON, a list in the order they are looked at, each
``{"conditions": [...], "action": {...}}`` (optionally ``"enabled"``, ``"note"``),
checked by the engine's own `callflow.rules.parse_rule` (docs/routing.md).  Region
groups are one per line, ``Guangdong queue:gd`` (a region, then a queue or IVR node).
"""

from __future__ import annotations

import json
from typing import Any

from appliance.callflow.rules import parse_rule
from appliance.callflow.targets import overflow_target
from appliance.store.models import Queue, RegionGroup, RoutingRule
from web.admin.schemas import FieldError
from web.i18n import _


def parse_rules(text: str) -> list[dict[str, Any]]:
    """Return the rules typed as JSON, each checked; raise FieldError saying what is wrong."""
    if not text.strip():
        return []
    try:
        rules = json.loads(text)
    except ValueError as exc:
        raise FieldError(_("The JSON is not valid: %(why)s", why=exc)) from None
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise FieldError(_('Write a list of rules: [{"conditions": [...], "action": {...}}].'))
    for position, rule in enumerate(rules, 1):
        try:
            parse_rule("", position, rule.get("conditions", []), rule.get("action"))
        except KeyError as exc:
            raise FieldError(str(exc.args[0])) from None
    return rules


def parse_regions(text: str) -> dict[str, str]:
    """Return {region: target} from lines "Guangdong queue:gd"."""
    regions: dict[str, str] = {}
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        region, _sep, target = line.rpartition(" ")
        try:
            kind = overflow_target(target)[0] if region else "bad"
        except KeyError:
            kind = "bad"
        if kind not in ("queue", "ivr"):
            raise FieldError(_("%(line)s: write a region, then queue:<name> or ivr:<node>.",
                               line=line))  # fmt: skip
        regions[region.strip()] = target
    return regions


def rules_text(queue: Queue) -> str:
    """Return a queue's rules as the JSON the form shows."""
    rules = RoutingRule.select().where(RoutingRule.queue == queue).order_by(RoutingRule.position)
    shown = [_rule_view(r) for r in rules]
    return json.dumps(shown, ensure_ascii=False, indent=1) if shown else ""


def _rule_view(rule: RoutingRule) -> dict[str, Any]:
    """Return one rule as typed in the form."""
    view = {"conditions": rule.conditions, "action": rule.action}
    if not rule.enabled:
        view["enabled"] = False
    if rule.note:
        view["note"] = rule.note
    return view


def regions_of(queue: Queue) -> dict[str, str]:
    """Return a queue's region groups."""
    groups = RegionGroup.select().where(RegionGroup.queue == queue).order_by(RegionGroup.region)
    return {g.region: g.target for g in groups}


def write(queue: Queue, rules: list[dict[str, Any]], regions: dict[str, str]) -> None:
    """Replace a queue's rules and region groups with the form's."""
    RoutingRule.delete().where(RoutingRule.queue == queue).execute()
    for position, rule in enumerate(rules, 1):
        RoutingRule.create(queue=queue, position=position, conditions=rule.get("conditions", []),
                           action=rule["action"], enabled=rule.get("enabled", True) is not False,
                           note=str(rule.get("note", ""))[:255])  # fmt: skip
    RegionGroup.delete().where(RegionGroup.queue == queue).execute()
    for region, target in regions.items():
        RegionGroup.create(queue=queue, region=region, target=target)


def unknown_queues(rules: list[dict[str, Any]], regions: dict[str, str], own: str) -> list[str]:
    """Return the queues the rules and regions send callers to that do not exist."""
    targets = [str(r["action"].get("target", "")) for r in rules] + list(regions.values())
    named = {t.partition(":")[2] for t in targets if t.startswith("queue:")} - {own}
    known = {q.name for q in Queue.select(Queue.name).where(Queue.name.in_(list(named)))}
    return sorted(named - known)
