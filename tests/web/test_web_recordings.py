"""GET /recordings/<call_id>: who may fetch a recording, and nothing outside the folder."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers_web import PASSWORD, login

from appliance import config
from appliance.store.models import Cdr, User
from web.auth.services import hash_password


def _wav_bytes() -> bytes:
    """Return a short 8 kHz mono WAV."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x01\x00" * 800)
    return buffer.getvalue()


@pytest.fixture
def recording(settings: config.Settings, client: FlaskClient) -> bytes:
    """Write call-1's recording and its CDR; return the WAV bytes."""
    data = _wav_bytes()
    path = Path(settings.paths.recordings) / "2023" / "call-1.wav"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    Cdr.create(
        call_id="call-1",
        started_at=1.0,
        ended_at=2.0,
        outcome="answered",
        recording="2023/call-1.wav",
    )
    return data


def test_logged_in_user_gets_the_wav(logged_in: FlaskClient, recording: bytes) -> None:
    """A session may fetch a recording."""
    response = logged_in.get("/recordings/call-1")
    assert response.status_code == 200
    assert response.mimetype == "audio/wav"
    assert response.data == recording


def test_token_holder_gets_the_wav(client: FlaskClient, recording: bytes, api_token: str) -> None:
    """A bearer token may fetch a recording, with ranges for seeking."""
    headers = {"Authorization": f"Bearer {api_token}"}
    assert client.get("/recordings/call-1", headers=headers).data == recording
    part = client.get("/recordings/call-1", headers={**headers, "Range": "bytes=0-3"})
    assert part.status_code == 206
    assert part.data == b"RIFF"


def test_anonymous_is_refused(client: FlaskClient, recording: bytes) -> None:
    """Without a session or token: 401 JSON."""
    response = client.get("/recordings/call-1")
    assert response.status_code == 401
    assert response.json["error"]["id"] == "unauthorized"


def test_unknown_or_missing_recording_is_404(logged_in: FlaskClient, recording: bytes) -> None:
    """Unknown call, call without recording, file gone: 404 JSON."""
    Cdr.create(call_id="call-2", started_at=1.0, ended_at=2.0, outcome="answered")
    Cdr.create(
        call_id="call-3", started_at=1.0, ended_at=2.0, outcome="answered", recording="x.wav"
    )
    for call_id in ("nope", "call-2", "call-3"):
        response = logged_in.get(f"/recordings/{call_id}")
        assert response.status_code == 404
        assert response.json["error"]["id"] == "not-found"


@pytest.mark.parametrize(
    "stored", ["../../etc/passwd", "/etc/passwd", "2023/../../secret_key", "..", "."]
)
def test_paths_outside_the_recordings_folder_are_refused(
    logged_in: FlaskClient, settings: config.Settings, stored: str
) -> None:
    """A CDR pointing outside the recordings folder serves nothing."""
    Path(settings.paths.recordings).mkdir(parents=True, exist_ok=True)
    Cdr.create(call_id="evil", started_at=1.0, ended_at=2.0, outcome="answered", recording=stored)
    response = logged_in.get("/recordings/evil")
    assert response.status_code in (403, 404)
    assert b"root:" not in response.data


def test_symlinks_out_of_the_folder_are_refused(
    logged_in: FlaskClient, settings: config.Settings
) -> None:
    """A link inside the folder to a file outside it is not followed."""
    folder = Path(settings.paths.recordings)
    folder.mkdir(parents=True)
    (folder / "link.wav").symlink_to("/etc/passwd")
    Cdr.create(
        call_id="evil", started_at=1.0, ended_at=2.0, outcome="answered", recording="link.wav"
    )
    assert logged_in.get("/recordings/evil").status_code == 404


def test_an_agent_hears_only_the_calls_they_answered(
    app: Flask, client: FlaskClient, recording: bytes
) -> None:
    """Agent 1001 answered call-1; agent 1002 is told there is no such recording."""
    Cdr.update(agent="1001").where(Cdr.call_id == "call-1").execute()
    for username, extension in (("wang", "1001"), ("li", "1002")):
        User.create(username=username, password_hash=hash_password(PASSWORD), role="agent",
                    extension=extension)  # fmt: skip
    User.create(username="owner", password_hash=hash_password(PASSWORD), role="admin")
    login(client, "li", PASSWORD)
    assert client.get("/recordings/call-1").status_code == 404
    answered = app.test_client()
    login(answered, "wang", PASSWORD)
    assert answered.get("/recordings/call-1").data == recording
