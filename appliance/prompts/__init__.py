"""Voice prompts and music on hold, synthesized with espeak-ng and sox at `callbox init`."""

from __future__ import annotations

from appliance.prompts.manager import generate_missing, prompt_path

__all__ = ["generate_missing", "prompt_path"]
