"""Control-socket commands for custom prompts: list, upload, text-to-speech, delete.

They run on the control server's threads (store writes and sox never on the engine
thread).  Nothing needs reloading: the engine looks a prompt's file up each time it
plays it, so a new or replaced prompt plays on the next call.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from appliance.engine.control import CommandError
from appliance.prompts.exceptions import PromptError
from appliance.prompts.library import PromptLibrary

F = TypeVar("F", bound=Callable[..., Any])


def refusals(method: F) -> F:
    """Answer a PromptError as a CommandError with its id and message."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        """Run the command, refusing with the prompt error's id."""
        try:
            return method(*args, **kwargs)
        except PromptError as exc:
            raise CommandError(exc.error_id, str(exc)) from None

    return wrapper  # type: ignore[return-value]


class PromptCommands:
    """Prompt commands by name, for one prompt folder."""

    def __init__(self, library: PromptLibrary) -> None:
        self.library = library
        self.table: dict[str, Callable[..., Any]] = {
            "prompt.list": self.list,
            "prompt.upload": self.upload,
            "prompt.tts": self.tts,
            "prompt.delete": self.delete,
        }

    @refusals
    def list(self, language: str = "") -> dict[str, Any]:
        """List the prompts (custom and built-in) of one language or all."""
        return {"prompts": self.library.list(language)}

    @refusals
    def upload(
        self, path: str = "", name: str = "", language: str = "en", by: str = ""
    ) -> dict[str, Any]:
        """Store an uploaded WAV or MP3 file (a path on the box) as a prompt."""
        source = Path(path) if isinstance(path, str) and path else None
        if source is None or not source.is_absolute() or not source.is_file():
            raise CommandError("no-such-file", f"prompt.upload: no file at {path!r} on the box")
        return self.library.upload(source, name, language, by)

    @refusals
    def tts(self, text: str = "", name: str = "", language: str = "en", by: str = "") -> Any:
        """Store text spoken in the language's voice as a prompt."""
        return self.library.speak(text, name, language, by)

    @refusals
    def delete(self, name: str = "", language: str = "en", force: bool = False) -> Any:
        """Delete a custom prompt; refuse one a published flow plays unless force."""
        return self.library.delete(name, language, force is True)
