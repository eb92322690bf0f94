"""Ready-made flows: the demo's IVR and the first-run wizard's."""

from __future__ import annotations

from typing import Any


def sales_and_support(sales: str, support: str, language: str = "en") -> dict[str, Any]:
    """Return a greeting, then "press 1 for sales, 2 for support" (built-in prompts)."""
    return {
        "start": "welcome",
        "language": language,
        "nodes": {
            "welcome": {"type": "play", "prompt": "welcome", "next": "menu"},
            "menu": {
                "type": "menu",
                "prompt": "main-menu",
                "timeout": 6,
                "retries": 3,
                "choices": {"1": "sales", "2": "support"},
                "invalid_prompt": "invalid",
                "failed": "goodbye",
            },
            "sales": {"type": "queue", "queue": sales},
            "support": {"type": "queue", "queue": support},
            "goodbye": {"type": "play", "prompt": "goodbye", "next": "hangup"},
            "hangup": {"type": "hangup"},
        },
    }
