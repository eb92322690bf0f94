"""Custom prompts through the engine's prompt commands (docs/prompts.md); each change audited.

An upload is saved beside the box's other state (`<var>/uploads`) for the engine to
convert, then removed whatever the engine answered.  The engine's refusals come back
with the field they are about, so the form shows them there and keeps what was typed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import IO, Any

from appliance.config import Settings
from appliance.engine.control import ControlError, EngineUnavailable
from appliance.prompts.const import LANGUAGES, MAX_UPLOAD_BYTES, NAME_PATTERN
from web.admin import audit
from web.admin.services import engine_call
from web.i18n import _

CHUNK = 64 * 1024
FIELD_OF = {"bad-name": "name", "bad-language": "language", "bad-text": "text",
            "prompt-in-use": "force"}  # fmt: skip  # every other refusal is about the file


class PromptRefused(Exception):
    """The engine (or the page) refused; field names the input it is about."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def listing() -> list[dict[str, Any]]:
    """Return the prompts; raise PromptRefused when the engine is not there to list them."""
    return list(_run("prompt.list")["prompts"])


def speak(name: str, language: str, text: str, by: str) -> dict[str, Any]:
    """Make a prompt by text-to-speech."""
    made = _run("prompt.tts", text=text, name=name, language=language, by=by)
    audit.record("prompts", f"{language}/{name}", "create", None, made)
    return dict(made)


def upload(settings: Settings, stream: IO[bytes], name: str, language: str, by: str) -> Any:
    """Store an uploaded WAV or MP3 as a prompt."""
    folder = Path(settings.var) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".upload", delete=False) as saved:
        _copy_limited(stream, saved)
    path = Path(saved.name)
    try:
        path.chmod(0o644)  # the engine reads it
        made = _run("prompt.upload", path=str(path), name=name, language=language, by=by)
    finally:
        path.unlink(missing_ok=True)
    audit.record("prompts", f"{language}/{name}", "create", None, made)
    return made


def _copy_limited(stream: IO[bytes], target: IO[bytes]) -> None:
    """Copy stream to target; raise PromptRefused past the upload limit."""
    total = 0
    while chunk := stream.read(CHUNK):
        total += len(chunk)
        if total > MAX_UPLOAD_BYTES:
            raise PromptRefused(
                _("The file is over %(mb)d MB.", mb=MAX_UPLOAD_BYTES // 2**20), "file"
            )
        target.write(chunk)


def delete(name: str, language: str, force: bool) -> None:
    """Delete a custom prompt (force: even if a published flow plays it)."""
    done = _run("prompt.delete", name=name, language=language, force=force)
    after = {"builtin_restored": True} if done.get("builtin_restored") else None
    audit.record("prompts", f"{language}/{name}", "delete", {"language": language}, after)


def _run(cmd: str, **args: Any) -> Any:
    """Run a prompt command; raise PromptRefused with the engine's words."""
    try:
        return engine_call(cmd, **args)
    except EngineUnavailable:
        raise PromptRefused(_("The engine is not running: prompts are made and listed by the "
                              "engine, so start it and try again.")) from None  # fmt: skip
    except ControlError as exc:
        raise PromptRefused(str(exc), FIELD_OF.get(exc.error_id, "file")) from None


def playable(language: str, name: str) -> bool:
    """Return true if language and name may name a prompt file (no paths)."""
    return language in LANGUAGES and NAME_PATTERN.fullmatch(name) is not None
