"""Helpers of the QA page tests: a recorded call on disk, a scorecard, posting QA forms."""

from __future__ import annotations

import io
import re
import wave
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from helpers_web import PASSWORD, csrf_from, login

from appliance.config import Settings
from appliance.store.models import Agent, Cdr, QaScorecard, Queue, User
from web.auth.services import hash_password

CALL = "c-100"
CRITERIA = [
    {"label": "Greeting", "weight": 1.0, "max_points": 5},
    {"label": "Problem solved", "weight": 3.0, "max_points": 10},
]
CARD_FORM = {"name": "Basic", "label-0": "Greeting", "weight-0": "1", "max-0": "5",
             "label-1": "Problem solved", "weight-1": "3", "max-1": "10"}  # fmt: skip


def recorded_call(settings: Settings, call_id: str = CALL, agent: str = "1001") -> Cdr:
    """Write a CDR answered by agent in queue sales, with its WAV in the recordings folder."""
    relative = f"2026/11/27/{call_id}.wav"
    path = Path(settings.paths.recordings) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(silent_wav())
    Queue.get_or_create(name="sales")
    Agent.get_or_create(extension=agent, defaults={"name": "Li Lei", "sip_password": "x" * 12})
    return Cdr.create(call_id=call_id, started_at=1_790_000_000.0, ended_at=1_790_000_060.0,
                      from_number="13800138000", to_number="100", queue="sales", agent=agent,
                      talk_seconds=55, outcome="answered", recording=relative)  # fmt: skip


def silent_wav(seconds: float = 1.0, rate: int = 8000) -> bytes:
    """Return a valid mono 16-bit PCM WAV of silence."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"\0\0" * int(seconds * rate))
    return buffer.getvalue()


def scorecard(name: str = "Basic") -> QaScorecard:
    """Create the Greeting (1 × 5) + Problem solved (3 × 10) scorecard."""
    return QaScorecard.create(name=name, criteria=CRITERIA)


def log_in_with(client: FlaskClient, role: str, extension: str = "", **kw: Any) -> FlaskClient:
    """Create a user of role (at extension) and log the client in as them."""
    User.create(username=f"{role}-{extension or 'x'}", password_hash=hash_password(PASSWORD),
                role=role, extension=extension, **kw)  # fmt: skip
    assert login(client, f"{role}-{extension or 'x'}", PASSWORD).status_code == 302
    return client


def post_qa(client: FlaskClient, path: str, form: dict[str, str]) -> Any:
    """Post form with the session's CSRF token (read from a page every role may open)."""
    token = csrf_from(client.get("/qa/mine").get_data(as_text=True))
    return client.post(path, data={**form, "csrf_token": token})


def post_score(client: FlaskClient, call_id: str, form: dict[str, str]) -> Any:
    """Post the scoring form of call_id as its page would (the scorecard's version included)."""
    page = client.get(f"/qa/calls/{call_id}").get_data(as_text=True)
    found = re.search(r'name="version" value="([^"]*)"', page)
    return post_qa(client, f"/qa/calls/{call_id}", {"version": found[1] if found else "", **form})
