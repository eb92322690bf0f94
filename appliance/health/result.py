"""The outcome of one health check."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    """Whether a service is healthy, with a short human-readable detail."""

    ok: bool
    detail: str

    @classmethod
    def passed(cls, detail: str = "ok") -> CheckResult:
        """Return a healthy result."""
        return cls(True, detail)

    @classmethod
    def failed(cls, detail: str) -> CheckResult:
        """Return an unhealthy result."""
        return cls(False, detail)

    def as_dict(self) -> dict[str, bool | str]:
        """Return the result as the API shape {"ok": ..., "detail": ...}."""
        return {"ok": self.ok, "detail": self.detail}
