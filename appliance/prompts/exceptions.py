"""Errors of prompt generation, each saying what to do."""

from __future__ import annotations


class PromptError(Exception):
    """A prompt could not be generated."""


class ToolMissing(PromptError):
    """espeak-ng or sox is not installed."""

    def __init__(self, tool: str, package: str) -> None:
        """Name the missing tool and its Debian package."""
        super().__init__(
            f"{tool} is not installed; it synthesizes the voice prompts: "
            f"install it with `apt-get install {package}`"
        )
        self.tool = tool
        self.package = package
