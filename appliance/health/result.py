"""The outcome of one health check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One thing a check found wrong, as the alert the watchdog raises for it.

    `repair` is the engine control command (and its arguments) that puts it right, if
    the watchdog may run one: ``("health.free_agent", {"extension": "1001", ...})``.
    """

    key: str  # the alert key, "<area>.<what>" (trunk.carrier, agent.1001)
    kind: str  # what the web translates (trunk_unregistered, agent_stuck)
    params: dict[str, Any] = field(default_factory=dict)
    detail: str = ""
    severity: str = "warning"  # or "critical"
    repair: tuple[str, dict[str, Any]] | None = None


@dataclass(frozen=True)
class CheckResult:
    """Whether a service is healthy, with a short human-readable detail."""

    ok: bool
    detail: str
    findings: tuple[Finding, ...] = ()  # each wrong thing, when the check tells them apart

    @classmethod
    def passed(cls, detail: str = "ok") -> CheckResult:
        """Return a healthy result."""
        return cls(True, detail)

    @classmethod
    def failed(cls, detail: str, findings: tuple[Finding, ...] = ()) -> CheckResult:
        """Return an unhealthy result."""
        return cls(False, detail, findings)

    def as_dict(self) -> dict[str, bool | str]:
        """Return the result as the API shape {"ok": ..., "detail": ...}."""
        return {"ok": self.ok, "detail": self.detail}
