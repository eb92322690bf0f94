"""Control-socket commands for IVR flows: publish a version, roll back, list versions.

A flow is validated before it is stored; on success the engine re-reads its routes,
so the next call takes the new version while calls already in the flow keep the
graph their `FlowRun` holds and finish on the version they started with.  When the
engine refuses the new configuration (another part of it is broken), the store goes
back to the version that was live, so the store never says one thing while the
engine runs another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from appliance.callflow.flow.validate import FlowProblem, validate
from appliance.engine.control import CommandError
from appliance.engine.flow_store import (
    activate_version,
    active_version,
    flow_graph,
    flow_versions,
    known_names,
    latest_version,
    overflow_entries,
    publish_flow,
    queue_names,
    withdraw,
)
from appliance.engine.media import PromptMissing, Prompts


class FlowCommands:
    """Flow commands by name; `apply` makes the store's active versions live."""

    def __init__(self, prompts: Prompts, apply: Callable[[], Any]) -> None:
        self.prompts = prompts
        self.apply = apply
        self.table: dict[str, Callable[..., Any]] = {
            "flow.publish": self.publish,
            "flow.rollback": self.rollback,
            "flow.versions": self.versions,
        }

    def publish(self, name: str = "", graph: Any = None, base_version: int | None = None) -> Any:
        """Validate graph and make it the flow's new live version.

        base_version is the version the editor started from: when someone published
        since, the publish is refused with `conflict` rather than overwriting their work.
        """
        if not isinstance(name, str) or not name.strip():
            raise CommandError("bad-args", "flow.publish: a flow name is required")
        latest = latest_version(name)
        if base_version is not None and base_version != latest:
            raise CommandError(
                "conflict",
                f"flow {name!r} is at version {latest} now, not {base_version}: "
                "someone published meanwhile; open the newest version and apply your changes",
            )
        self._check(name, graph)
        previous = active_version(name)
        version = publish_flow(name, graph)
        try:
            self.apply()
        except CommandError as exc:
            withdraw(name, version, previous)
            raise CommandError(exc.error_id, f"flow {name!r} not published: {exc}") from None
        return {"name": name, "version": version}

    def rollback(self, name: str = "", version: int = 0) -> dict[str, Any]:
        """Make an earlier version live again (checked against today's queues and prompts)."""
        graph = flow_graph(name, version)
        if graph is None:
            raise CommandError("no-such-flow", f"flow {name!r} has no version {version!r}")
        self._check(name, graph)
        previous = active_version(name)
        activate_version(name, version)
        try:
            self.apply()
        except CommandError as exc:
            if previous is not None:
                activate_version(name, previous)
            raise CommandError(exc.error_id, f"flow {name!r} not rolled back: {exc}") from None
        return {"name": name, "version": version}

    def versions(self, name: str = "") -> dict[str, Any]:
        """List a flow's versions, oldest first, with the active one marked."""
        found = flow_versions(name)
        if not found:
            raise CommandError("no-such-flow", f"no flow named {name!r}")
        return {"name": name, "versions": found}

    def _check(self, name: str, graph: Any) -> None:
        """Raise CommandError("invalid-flow") listing every problem of graph."""
        language = str(graph.get("language") or "en") if isinstance(graph, dict) else "en"
        has_prompt = lambda prompt: self._has_prompt(prompt, language)  # noqa: E731
        problems = validate(graph, has_prompt, queue_names(), overflow_entries(), known_names())
        if problems:
            raise invalid_flow(name, problems)

    def _has_prompt(self, prompt: str, language: str) -> bool:
        """Return true if the prompt folder has the prompt (in language or English)."""
        try:
            self.prompts.path(prompt, language)
        except PromptMissing:
            return False
        return True


def invalid_flow(name: str, problems: list[FlowProblem]) -> CommandError:
    """Return the refusal of a flow, its problems in the message and in details."""
    listed = "; ".join(str(p) for p in problems)
    details = [{"node": p.node, "message": p.message} for p in problems]
    return CommandError("invalid-flow", f"flow {name!r} not published: {listed}", details)
