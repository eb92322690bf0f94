"""The prompts page: text-to-speech, upload and delete through the engine's prompt commands."""

from __future__ import annotations

import io
import math
import struct
import wave

import pytest
from flask.testing import FlaskClient
from helpers_admin import log_in_as, post_form
from helpers_web import StandInEngine

from appliance import config
from appliance.engine.prompt_commands import PromptCommands
from appliance.prompts.const import MAX_UPLOAD_BYTES
from appliance.prompts.library import PromptLibrary
from appliance.store.models import AuditEntry, Prompt


def tone(seconds: float = 0.5, rate: int = 16000) -> bytes:
    """Return a WAV of a 440 Hz tone."""
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
        for i in range(int(seconds * rate))
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate), w.writeframes(frames)
    return out.getvalue()


@pytest.fixture
def admin(client: FlaskClient, engine: StandInEngine, settings: config.Settings) -> FlaskClient:
    """Return an admin's client; the engine answers prompt commands for real."""
    engine.commands.update(PromptCommands(PromptLibrary(settings.paths.prompts)).table)
    return log_in_as(client, "admin")


def test_text_to_speech_makes_a_prompt_the_browser_can_play(admin: FlaskClient) -> None:
    form = {"action": "tts", "name": "closed", "language": "en", "text": "We are closed."}
    response = post_form(admin, "/admin/prompts", form, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "en/closed saved." in page and 'data-prompt="en/closed"' in page
    assert Prompt.get().source == "tts"
    audio = admin.get("/admin/prompts/en/closed.wav")
    assert audio.status_code == 200 and audio.data[:4] == b"RIFF"
    assert admin.get("/admin/prompts/en/..%2Fsecret.wav").status_code == 404
    entry = AuditEntry.get()
    assert (entry.area, entry.object_key, entry.action) == ("prompts", "en/closed", "create")


def test_an_upload_is_converted_and_a_bad_one_explained(admin: FlaskClient) -> None:
    form = {"action": "upload", "name": "hold-on", "language": "zh"}
    ok = {**form, "file": (io.BytesIO(tone()), "tone.wav")}
    assert post_form(admin, "/admin/prompts", ok).status_code == 302
    assert Prompt.get().source == "upload"
    bad = {**form, "name": "notes", "file": (io.BytesIO(b"just text"), "notes.wav")}
    response = post_form(admin, "/admin/prompts", bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "is not WAV or MP3 audio" in page
    assert 'value="notes"' in page and Prompt.select().count() == 1


def test_a_bad_name_is_shown_on_its_field_and_kept(admin: FlaskClient) -> None:
    form = {"action": "tts", "name": "Bad Name", "language": "en", "text": "Hello there"}
    page = post_form(admin, "/admin/prompts", form).get_data(as_text=True)
    assert 'data-field="name"' in page and "is not allowed" in page
    assert "Hello there" in page and 'value="Bad Name"' in page


def test_a_prompt_is_deleted(admin: FlaskClient) -> None:
    post_form(admin, "/admin/prompts", {"action": "tts", "name": "bye", "language": "en",
                                        "text": "Goodbye"})  # fmt: skip
    response = post_form(admin, "/admin/prompts", {"action": "delete", "name": "bye",
                                                   "language": "en"})  # fmt: skip
    assert response.status_code == 302 and not Prompt.select().exists()
    again = post_form(
        admin, "/admin/prompts", {"action": "delete", "name": "bye", "language": "en"}
    )
    assert again.status_code == 400 and "no custom prompt" in again.get_data(as_text=True)


def test_without_the_engine_the_page_says_so(client: FlaskClient) -> None:
    log_in_as(client, "admin")
    assert "The engine is not running" in client.get("/admin/prompts").get_data(as_text=True)
    form = {"action": "tts", "name": "x", "language": "en", "text": "Hi"}
    assert post_form(client, "/admin/prompts", form).status_code == 503


def test_an_upload_over_the_box_limit_is_refused_before_it_is_read(admin: FlaskClient) -> None:
    form = {"action": "upload", "name": "huge", "language": "en"}
    big = io.BytesIO(b"\0" * (MAX_UPLOAD_BYTES + 2**20 + 1))  # over the limit with the form
    response = post_form(admin, "/admin/prompts", {**form, "file": (big, "huge.wav")})
    assert response.status_code == 413
    assert "too large; nothing was changed" in response.get_data(as_text=True)
    assert Prompt.select().count() == 0
