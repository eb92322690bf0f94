"""The custom prompt library with real sox, espeak-ng and SQLite: good audio in, bad audio out."""

from __future__ import annotations

import subprocess
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.config import Settings, load
from appliance.prompts import catalog
from appliance.prompts.const import MAX_UPLOAD_BYTES
from appliance.prompts.exceptions import (
    BadLanguage,
    BadPromptName,
    BadText,
    EmptyAudio,
    NoSuchPrompt,
    NotAudio,
    PromptError,
    TooBig,
    TooLong,
)
from appliance.prompts.library import PromptLibrary
from appliance.prompts.tts import speak
from appliance.store.manager import open_store
from appliance.store.models import Prompt


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Return settings on a fresh state folder."""
    return load(tmp_path / "absent.yml", env={"CALLBOX_PATHS__VAR": str(tmp_path / "var")})


@pytest.fixture
def library(settings: Settings) -> Iterator[PromptLibrary]:
    """Return a library on an empty prompt folder and a fresh store."""
    database = open_store(settings)
    yield PromptLibrary(settings.paths.prompts)
    database.close()


def tone(path: Path, seconds: float = 2, rate: int = 44100, channels: int = 2) -> Path:
    """Write a 440 Hz tone in the format path's suffix names (WAV or MP3) and return path."""
    subprocess.run(["sox", "-n", "-r", str(rate), "-c", str(channels), str(path),
                    "synth", str(seconds), "sine", "440", "vol", "0.5"], check=True)  # fmt: skip
    return path


def wav_format(path: Path) -> tuple[int, int, int, float]:
    """Return rate, channels, sample width and seconds of a WAV file."""
    with wave.open(str(path)) as w:
        seconds = w.getnframes() / w.getframerate()
        return w.getframerate(), w.getnchannels(), w.getsampwidth(), round(seconds, 1)


def test_a_stereo_cd_rate_wav_is_converted_to_8khz_mono(
    library: PromptLibrary, tmp_path: Path
) -> None:
    entry = library.upload(tone(tmp_path / "hello.wav"), "hello", "en", by="admin")
    path = library.folder / "en" / "hello.wav"
    assert wav_format(path) == (8000, 1, 2, 2.0)
    assert entry["source"] == "upload" and entry["custom"] and not entry["builtin"]
    assert entry["seconds"] == 2.0 and entry["bytes"] == path.stat().st_size
    row = Prompt.get(Prompt.name == "hello", Prompt.language == "en")
    assert (row.source, row.updated_by, row.seconds) == ("upload", "admin", 2.0)


def test_an_mp3_is_told_by_its_content_not_its_name(library: PromptLibrary, tmp_path: Path) -> None:
    mp3 = tone(tmp_path / "music.mp3", seconds=3, channels=1)
    disguised = mp3.rename(tmp_path / "music.wav")  # the name lies; the bytes do not
    library.upload(disguised, "hold-message", "zh")
    assert wav_format(library.folder / "zh" / "hold-message.wav")[:3] == (8000, 1, 2)
    assert 2.9 <= wav_format(library.folder / "zh" / "hold-message.wav")[3] <= 3.2


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (b"just some text, not audio\n", NotAudio, "not WAV or MP3 audio"),
        (b"", EmptyAudio, "is empty"),
        (b"RIFF\x24\x00\x00\x00WAVEjunkjunkjunkjunk", NotAudio, "could not be read as WAV"),
    ],
)
def test_a_bad_upload_is_refused_and_the_old_prompt_keeps_playing(
    library: PromptLibrary, tmp_path: Path, content: bytes, error: type, message: str
) -> None:
    library.upload(tone(tmp_path / "good.wav"), "greeting", "en")
    before = (library.folder / "en" / "greeting.wav").read_bytes()
    bad = tmp_path / "upload.wav"
    bad.write_bytes(content)
    with pytest.raises(error, match=message):
        library.upload(bad, "greeting", "en")
    assert (library.folder / "en" / "greeting.wav").read_bytes() == before
    assert Prompt.get(Prompt.name == "greeting").seconds == 2.0
    assert [p.name for p in (library.folder / "en").iterdir()] == ["greeting.wav"]  # no leftovers


def test_too_long_and_too_big_are_refused_with_the_limit(
    library: PromptLibrary, tmp_path: Path
) -> None:
    long = tone(tmp_path / "long.wav", seconds=302, rate=8000, channels=1)
    with pytest.raises(TooLong, match="longer than the limit of 300 seconds"):
        library.upload(long, "speech", "en")
    big = tmp_path / "big.wav"
    with big.open("wb") as f:
        f.write(b"RIFF\x00\x00\x00\x00WAVE")
        f.truncate(MAX_UPLOAD_BYTES + 1)
    with pytest.raises(TooBig, match="the limit is 20 MB"):
        library.upload(big, "speech", "en")
    assert not (library.folder / "en" / "speech.wav").exists()
    assert Prompt.select().count() == 0


@pytest.mark.parametrize("name", ["Hello", "../etc/passwd", "", "a b", "-x", "x" * 65, ".hidden"])
def test_unsafe_names_are_refused(library: PromptLibrary, tmp_path: Path, name: str) -> None:
    with pytest.raises(BadPromptName, match="lowercase letters, digits"):
        library.upload(tone(tmp_path / "a.wav"), name, "en")


def test_unknown_language_is_refused(library: PromptLibrary, tmp_path: Path) -> None:
    with pytest.raises(BadLanguage, match="'fr' is not one of en, zh"):
        library.upload(tone(tmp_path / "a.wav"), "hello", "fr")


def test_text_to_speech_in_english_and_chinese(library: PromptLibrary) -> None:
    english = library.speak("Our office is closed today.", "closed", "en", by="admin")
    chinese = library.speak("今天休息，请明天再来电。", "closed", "zh")
    for entry, language in ((english, "en"), (chinese, "zh")):
        assert entry["source"] == "tts" and entry["seconds"] > 1.0
        assert wav_format(library.folder / language / "closed.wav")[:3] == (8000, 1, 2)
    assert Prompt.get(Prompt.language == "zh").text == "今天休息，请明天再来电。"
    with pytest.raises(BadText, match="1–1000 characters"):
        library.speak("   ", "closed", "en")
    with pytest.raises(BadText):
        library.speak("x" * 1001, "closed", "en")


def test_deleting_an_override_restores_the_builtin(library: PromptLibrary, tmp_path: Path) -> None:
    target = library.folder / "en" / "welcome.wav"
    speak(catalog.PROMPTS["welcome"]["en"], "en", target)  # as `callbox init` left it
    builtin_seconds = wav_format(target)[3]
    entry = library.upload(tone(tmp_path / "ours.wav", seconds=4), "welcome", "en")
    assert entry["custom"] and entry["builtin"] and wav_format(target)[3] == 4.0
    assert library.delete("welcome", "en")["builtin_restored"]
    assert wav_format(target)[3] == builtin_seconds
    assert Prompt.select().count() == 0
    listed = {(p["name"], p["language"]): p for p in library.list()}
    assert listed["welcome", "en"]["source"] == "builtin" and not listed["welcome", "en"]["custom"]


def test_delete_removes_a_custom_prompt_and_refuses_what_is_not_custom(
    library: PromptLibrary, tmp_path: Path
) -> None:
    library.upload(tone(tmp_path / "a.wav"), "promo", "en")
    assert library.delete("promo", "en") == {
        "name": "promo", "language": "en", "deleted": True, "builtin_restored": False,
    }  # fmt: skip
    assert not (library.folder / "en" / "promo.wav").exists()
    with pytest.raises(NoSuchPrompt, match="no custom prompt 'promo' in en"):
        library.delete("promo", "en")


def test_list_marks_custom_and_builtin_with_length_size_and_source(
    library: PromptLibrary, tmp_path: Path
) -> None:
    speak(catalog.PROMPTS["goodbye"]["zh"], "cmn", library.folder / "zh" / "goodbye.wav")
    library.upload(tone(tmp_path / "a.wav", seconds=1), "promo", "zh")
    listed = library.list("zh")
    assert [(p["name"], p["source"], p["custom"], p["builtin"]) for p in listed] == [
        ("goodbye", "builtin", False, True),
        ("promo", "upload", True, False),
    ]
    assert all(p["seconds"] > 0.5 and p["bytes"] > 44 for p in listed)
    assert library.list("en") == []


def test_every_refusal_is_a_prompt_error_with_an_id() -> None:
    for error in (NotAudio, EmptyAudio, TooBig, TooLong, BadText, NoSuchPrompt):
        assert issubclass(error, PromptError) and error.error_id != PromptError.error_id


def test_a_phone_recording_loses_its_leading_and_trailing_silence(
    library: PromptLibrary, tmp_path: Path
) -> None:
    raw = tmp_path / "raw.wav"
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(raw), "synth", "2",
                    "sine", "440", "vol", "0.5", "pad", "1.5", "2"], check=True)  # fmt: skip
    entry = library.record(raw, "phone-12", "en", by="1001")
    assert entry["source"] == "phone" and entry["updated_by"] == "1001"
    assert 1.9 <= entry["seconds"] <= 2.1
    silent = tmp_path / "silent.wav"
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(silent),
                    "trim", "0", "3"], check=True)  # fmt: skip
    with pytest.raises(EmptyAudio, match="no sound"):
        library.record(silent, "phone-12", "en")
    assert Prompt.get(Prompt.name == "phone-12").seconds == entry["seconds"]


def test_migration_creates_the_prompt_table_as_the_model_has_it(library: PromptLibrary) -> None:
    database = Prompt._meta.database
    columns = {row[1] for row in database.execute_sql('PRAGMA table_info("prompt")')}
    assert columns == set(Prompt._meta.columns)
    unique = [i[1] for i in database.execute_sql('PRAGMA index_list("prompt")') if i[2]]
    assert unique == ["prompt_name_language"]
