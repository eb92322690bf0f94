"""Errors of prompt generation and of the custom prompt library, each saying what to do."""

from __future__ import annotations


class PromptError(Exception):
    """A prompt could not be generated, stored or deleted; `error_id` names the reason."""

    error_id = "prompt-failed"


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


class BadPromptName(PromptError):
    """A prompt name outside the safe pattern."""

    error_id = "bad-name"

    def __init__(self, name: object, rule: str) -> None:
        """Name the refused name and the rule."""
        super().__init__(f"prompt name {name!r} is not allowed: use {rule}")


class BadLanguage(PromptError):
    """A language the box has no prompt folder and voice for."""

    error_id = "bad-language"

    def __init__(self, language: object, known: tuple[str, ...]) -> None:
        """Name the refused language and the known ones."""
        super().__init__(f"language {language!r} is not one of {', '.join(known)}")


class NotAudio(PromptError):
    """An upload that is not WAV or MP3 audio, or is corrupt."""

    error_id = "not-audio"


class EmptyAudio(PromptError):
    """An upload or recording with no sound in it."""

    error_id = "empty-audio"


class TooBig(PromptError):
    """An upload over the size limit."""

    error_id = "too-big"


class TooLong(PromptError):
    """Audio over the length limit."""

    error_id = "too-long"


class BadText(PromptError):
    """Text-to-speech text that is empty or too long."""

    error_id = "bad-text"


class NoSuchPrompt(PromptError):
    """No custom prompt by that name in that language."""

    error_id = "no-such-prompt"


class PromptInUse(PromptError):
    """A prompt a published flow plays, which deleting would leave missing."""

    error_id = "prompt-in-use"

    def __init__(self, name: str, language: str, uses: list[tuple[str, str]]) -> None:
        """List the flows and nodes that play the prompt."""
        listed = ", ".join(f"flow '{flow}' node '{node}'" for flow, node in uses)
        super().__init__(
            f"prompt '{name}' ({language}) is played by {listed}; change the flow first, "
            "or delete with force (callers then skip the prompt)"
        )
        self.uses = uses
