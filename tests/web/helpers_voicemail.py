"""Helpers of the voicemail page tests: the engine's real voicemail commands, a message left."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from helpers_web import StandInEngine

from appliance import config
from appliance.engine.media import Prompts
from appliance.engine.voicemail_commands import VoicemailCommands
from appliance.store.writer import EventWriter
from appliance.voicemail import boxes
from web.context import STORE_KEY

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(28)


@contextmanager
def serving_voicemail(
    app: Flask, engine: StandInEngine, settings: config.Settings
) -> Iterator[list[dict[str, Any]]]:
    """Have the stand-in answer voicemail.* with the engine's commands; yield the events."""
    prompts = Path(settings.paths.prompts)
    (prompts / "en").mkdir(parents=True, exist_ok=True)
    (prompts / "en" / "hello-box.wav").write_bytes(WAV)
    (prompts / "zh").mkdir(parents=True, exist_ok=True)
    (prompts / "zh" / "ni-hao.wav").write_bytes(WAV)  # Chinese only: no English fallback
    events: list[dict[str, Any]] = []
    writer = EventWriter(app.extensions[STORE_KEY], events.extend)
    writer.start()
    engine.commands.update(VoicemailCommands(writer, Prompts(prompts)).table)
    try:
        yield events
    finally:
        writer.stop()


def leave(settings: config.Settings, box: str, call_id: str, file: str = "") -> int:
    """Leave a message of 3 s from 555 in box (its WAV written); return its id."""
    file = file or f"{box}/2026/11/27/{call_id}.wav"
    path = Path(settings.paths.var) / "voicemail" / file
    if ".." not in file:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(WAV)
    boxes.apply_change({"change": "left", "box": box, "call_id": call_id, "caller": "555",
                        "file": file, "seconds": 3.0, "at": 1795780800.0})  # fmt: skip
    return max(m.id for m in boxes.messages(box))
