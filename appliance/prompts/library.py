"""The admin's own prompts per language: upload, text-to-speech, phone recordings, delete, list.

Audio lives where the engine reads it, `<paths.prompts>/<language>/<name>.wav`; the
store's `prompt` table says which files are custom and where they came from.  Every
write is staged beside the target and renamed over it only once the audio converted
and passed the limits, inside the transaction that records it: a refused or failed
upload leaves the old prompt playing.  A custom prompt may carry a built-in's name;
deleting it regenerates the built-in.
"""

from __future__ import annotations

import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from appliance.prompts import catalog
from appliance.prompts.audio import Audio, convert, detect, measure
from appliance.prompts.const import (
    LANGUAGES,
    MAX_TEXT,
    NAME_PATTERN,
    NAME_RULE,
    TRIM_SILENCE,
    Source,
)
from appliance.prompts.exceptions import (
    BadLanguage,
    BadPromptName,
    BadText,
    NoSuchPrompt,
    PromptInUse,
)
from appliance.prompts.manager import prompt_path
from appliance.prompts.moh import render_tone
from appliance.prompts.tts import speak, staging
from appliance.prompts.usage import published_uses
from appliance.store.database import db
from appliance.store.models import Prompt, utcnow


@dataclass(frozen=True)
class Upload:
    """What to store: whose audio, under which name and language, from where."""

    name: str
    language: str
    source: Source
    by: str = ""
    text: str = ""


class PromptLibrary:
    """Custom prompts under one prompt folder, recorded in the store."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def upload(self, source: Path, name: str, language: str, by: str = "") -> dict[str, Any]:
        """Store an uploaded WAV or MP3 file as the prompt name in language."""
        upload = Upload(name, language, Source.UPLOAD, by)
        self._check(upload)
        kind = detect(source)
        return self._store(upload, lambda tmp: convert(source, kind, tmp))

    def record(self, source: Path, name: str, language: str, by: str = "") -> dict[str, Any]:
        """Store a phone recording (WAV) as a prompt, its leading and trailing silence cut."""
        upload = Upload(name, language, Source.PHONE, by)
        self._check(upload)
        kind = detect(source)
        return self._store(upload, lambda tmp: convert(source, kind, tmp, TRIM_SILENCE))

    def speak(self, text: str, name: str, language: str, by: str = "") -> dict[str, Any]:
        """Store text spoken by the language's espeak-ng voice as a prompt."""
        spoken = text.strip() if isinstance(text, str) else ""
        upload = Upload(name, language, Source.TTS, by, spoken)
        self._check(upload)
        if not upload.text or len(upload.text) > MAX_TEXT:
            raise BadText(f"text-to-speech needs 1–{MAX_TEXT} characters of text")
        return self._store(upload, lambda tmp: self._spoken(upload, tmp))

    def delete(self, name: str, language: str, force: bool = False) -> dict[str, Any]:
        """Delete a custom prompt (a built-in of that name comes back); refuse one flows need."""
        self._check(Upload(name, language, Source.UPLOAD))
        row = Prompt.get_or_none(Prompt.name == name, Prompt.language == language)
        if row is None:
            raise NoSuchPrompt(f"there is no custom prompt '{name}' in {language}")
        builtin = self.is_builtin(name, language)
        if not builtin and not force:
            uses = published_uses(name, lambda lang: self._remains(name, language, lang))
            if uses:
                raise PromptInUse(name, language, uses)
        target = prompt_path(self.folder, language, name)
        with db.atomic():
            row.delete_instance()
            if builtin:
                self._restore(name, language, target)  # replaces the custom file atomically
            else:
                target.unlink(missing_ok=True)
        return {"name": name, "language": language, "deleted": True, "builtin_restored": builtin}

    def list(self, language: str = "") -> list[dict[str, Any]]:
        """Return every prompt file per language, custom ones with their store record."""
        languages = [language] if language else list(LANGUAGES)
        for lang in languages:
            self._check_language(lang)
        rows = {(r.name, r.language): r for r in Prompt.select()}
        found = []
        for lang in languages:
            for path in sorted((self.folder / lang).glob("[!.]*.wav")):
                found.append(self._entry(path, lang, rows.get((path.stem, lang))))
        return found

    def is_builtin(self, name: str, language: str) -> bool:
        """Return true if the box ships a prompt of that name in that language."""
        return name in catalog.PROMPTS or (name in catalog.TONES and language == "en")

    def _store(self, upload: Upload, write: Callable[[Path], Audio]) -> dict[str, Any]:
        """Write the audio through a staging file and record it; nothing changes on failure."""
        target = prompt_path(self.folder, upload.language, upload.name)
        with db.atomic(), staging(target) as tmp:
            audio = write(tmp)
            fields = {
                "source": upload.source,
                "text": upload.text,
                "seconds": audio.seconds,
                "bytes": audio.bytes,
                "updated_at": utcnow(),
                "updated_by": upload.by,
            }
            Prompt.insert(name=upload.name, language=upload.language, **fields).on_conflict(
                conflict_target=[Prompt.name, Prompt.language], update=fields
            ).execute()
        return self._entry(target, upload.language, self._row(upload))

    def _spoken(self, upload: Upload, tmp: Path) -> Audio:
        """Synthesize the upload's text into tmp and measure it."""
        speak(upload.text, catalog.VOICES[upload.language], tmp)
        return measure(tmp)

    def _restore(self, name: str, language: str, target: Path) -> None:
        """Regenerate the built-in prompt name in language."""
        if name in catalog.PROMPTS:
            speak(catalog.PROMPTS[name][language], catalog.VOICES[language], target)
        else:
            render_tone(*catalog.TONES[name], target)

    def _remains(self, name: str, deleted: str, language: str) -> bool:
        """Return true if a caller hearing language still finds name once deleted is gone."""
        candidates = [lang for lang in (language, "en") if lang != deleted]
        return any(prompt_path(self.folder, lang, name).is_file() for lang in candidates)

    def _check(self, upload: Upload) -> None:
        """Refuse an unsafe name or an unknown language."""
        if not isinstance(upload.name, str) or not NAME_PATTERN.fullmatch(upload.name):
            raise BadPromptName(upload.name, NAME_RULE)
        self._check_language(upload.language)

    @staticmethod
    def _check_language(language: object) -> None:
        """Refuse a language without a prompt folder and voice."""
        if language not in LANGUAGES:
            raise BadLanguage(language, LANGUAGES)

    @staticmethod
    def _row(upload: Upload) -> Prompt | None:
        """Return the store's record of the upload's prompt."""
        return Prompt.get_or_none(Prompt.name == upload.name, Prompt.language == upload.language)

    def _entry(self, path: Path, language: str, row: Prompt | None) -> dict[str, Any]:
        """Return one prompt as listed: name, language, where it came from, length and size."""
        entry = {
            "name": path.stem,
            "language": language,
            "custom": row is not None,
            "builtin": self.is_builtin(path.stem, language),
        }
        if row is None:
            size, seconds = path.stat().st_size, _seconds(path)
            return {**entry, "source": "builtin", "text": "", "seconds": seconds, "bytes": size,
                    "updated_at": None, "updated_by": ""}  # fmt: skip
        return {**entry, "source": row.source, "text": row.text, "seconds": row.seconds,
                "bytes": row.bytes, "updated_at": str(row.updated_at),
                "updated_by": row.updated_by}  # fmt: skip


def _seconds(path: Path) -> float:
    """Return a built-in prompt's playing time (0 if it is unreadable)."""
    try:
        with wave.open(str(path), "rb") as w:
            return round(w.getnframes() / float(w.getframerate()), 3)
    except (OSError, EOFError, wave.Error):  # a damaged file still shows in the list, as 0 s
        return 0.0
