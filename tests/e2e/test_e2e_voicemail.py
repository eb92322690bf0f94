"""Voicemail with real calls: a message left after hours arrives by e-mail with its audio,
and the box's owner listens to it from their phone with the PIN and deletes it."""

from __future__ import annotations

import array
import contextlib
import json
import subprocess
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from boxharness import Box, free_port, running_box, wait_for
from smtp_sink import Sink, smtp_server
from tones import heard

from appliance.demo import DEMO_PIN
from appliance.store.models import BusinessHours, InboundNumber, IvrFlow, VoicemailBox

pytestmark = pytest.mark.e2e

MESSAGE_HZ = 1400  # what the phone leaving the message says
PRESENT, ABSENT = 1000.0, 200.0


@pytest.fixture
def mailed(tmp_path: Path, prompts: Path) -> Iterator[tuple[Box, Sink]]:
    """Return a running box that e-mails voicemail to an SMTP server the test runs."""
    port = free_port()
    smtp = {"CALLBOX_SMTP__ENABLED": "true", "CALLBOX_SMTP__HOST": "127.0.0.1",
            "CALLBOX_SMTP__PORT": str(port), "CALLBOX_SMTP__SENDER": "callbox@test.example",
            "CALLBOX_SMTP__RETRY_SECONDS": "0.5"}  # fmt: skip
    with smtp_server(port) as sink, running_box(tmp_path, prompts, **smtp) as box:
        yield box, sink


def straight_to_box(box: Box, number: str, mailbox: str) -> None:
    """Send calls to number straight into a mailbox (as after hours) and apply it live."""
    graph = {"start": "leave", "nodes": {"leave": {"type": "voicemail", "box": mailbox}}}
    IvrFlow.create(name=f"vm-{mailbox}", version=1, graph=graph, active=True)
    InboundNumber.create(number=number, target_type="ivr", target=f"vm-{mailbox}")
    box.control.call("reload")


def after_hours_to_box(box: Box, number: str, mailbox: str) -> None:
    """Send calls to number through a flow whose schedule is closed now, to a mailbox."""
    BusinessHours.create(name="never", timezone="Asia/Shanghai", weekly={})  # always closed
    box.control.call("reload")
    graph = {
        "start": "hours",
        "nodes": {
            "hours": {"type": "time_condition", "schedule": "never", "open": "bye",
                      "closed": "leave"},
            "leave": {"type": "voicemail", "box": mailbox},
            "bye": {"type": "hangup"},
        },
    }  # fmt: skip
    box.control.call("flow.publish", name=f"night-{mailbox}", graph=graph)
    InboundNumber.create(number=number, target_type="ivr", target=f"night-{mailbox}")
    box.control.call("reload")


def store_rows(box: Box, sql: str, *args: Any) -> list[dict[str, Any]]:
    with contextlib.closing(box.db()) as conn:
        return [dict(r) for r in conn.execute(sql, args)]


def mwi_events(box: Box) -> list[dict[str, Any]]:
    rows = store_rows(box, "SELECT data FROM call_event WHERE kind = 'voicemail.mwi' ORDER BY id")
    return [json.loads(r["data"]) for r in rows]


def test_a_message_left_after_hours_arrives_by_e_mail_with_its_audio(
    mailed: tuple[Box, Sink],
) -> None:
    box, sink = mailed
    VoicemailBox.update(email="night@test.example", language="zh").where(
        VoicemailBox.name == "general"
    ).execute()
    after_hours_to_box(box, "200", "general")  # open would hang up: a message proves "closed"
    # Greeting and beep (≈ 5 s) while the caller speaks, more speech, then # ends the message.
    sipp = box.sipp("caller_voicemail_hash", number="200", greet_ms=5500, talk_ms=2500)
    assert sipp.returncode == 0, sipp.stdout[-2000:]
    cdr = box.wait_cdr()
    assert cdr["outcome"] == "voicemail"
    events = box.events(cdr["call_id"])
    left = next(e for e in events if e["kind"] == "voicemail.left")["data"]
    assert left["box"] == "general" and 2 <= left["seconds"] <= 6
    ended = next(e for e in events if e["kind"] == "call.ended")["data"]
    assert (ended["by"], ended["reason"]) == ("system", "voicemail saved")  # after "saved"
    with wave.open(str(box.var / "voicemail" / left["file"])) as message:
        samples = array.array("h", message.readframes(message.getnframes()))
    assert max(abs(x) for x in samples) > 1000  # the caller's speech, not silence
    [row] = wait_for(lambda: store_rows(box, "SELECT * FROM voicemail_message"), 5, "the row")
    assert (row["call_id"], row["caller"], row["file"]) == (
        cdr["call_id"], "13800138000", left["file"])  # fmt: skip
    assert row["heard_at"] is None and not row["deleted"]
    assert mwi_events(box)[0] == {"box": "general", "new": 1, "old": 0, "change": "left",
                                  "message": row["id"]}  # fmt: skip
    [mail] = sink.wait(1, timeout=20)
    assert sink.envelopes == [("callbox@test.example", ["night@test.example"])]
    assert mail["Subject"].startswith("信箱 general (General) 有新留言，来电号码 13800138000")
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "audio/wav"
    assert attachment.get_content() == (box.var / "voicemail" / left["file"]).read_bytes()
    wait_for(lambda: store_rows(box, "SELECT id FROM call_event WHERE kind = 'voicemail.mailed'"),
             5, "voicemail.mailed")  # fmt: skip


def greeting_prompt(prompts: Path) -> str:
    """Return a short recorded-style greeting in the prompt folder (a 0.8 s tone)."""
    path = prompts / "en" / "greeting-e2e-voicemail.wav"
    if not path.exists():
        subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(path),
                        "synth", "0.8", "sine", "600", "vol", "0.3"], check=True)  # fmt: skip
    return path.stem


def loudest(path: Path, hz: int) -> float:
    """Return the loudest one-second stretch of hz in a recording."""
    seconds = int(subprocess.run(["soxi", "-D", str(path)], capture_output=True, text=True,
                                 check=True).stdout.strip().split(".")[0])  # fmt: skip
    return max(heard(path, t, t + 1.0, hz) for t in range(seconds))


def test_the_owner_listens_by_phone_with_the_pin_and_deletes_the_message(
    mailed: tuple[Box, Sink], prompts: Path
) -> None:
    box, _ = mailed
    greeting = greeting_prompt(prompts)
    assert box.control.call("voicemail.greeting", box="1001", prompt=greeting)["greeting"]
    straight_to_box(box, "201", "1001")
    # 1002 calls 1001's box: greeting 0.8 s, beep 0.5 s, then 3 s of its tone.
    with box.agent("1002", tone_hz=MESSAGE_HZ, call="201", talk_ms=4500) as caller:
        caller.read_until("disconnected", 20)
    [row] = wait_for(lambda: store_rows(box, "SELECT * FROM voicemail_message"), 10, "the row")
    assert row["seconds"] >= 2
    # 1001 dials *97, keys the PIN while asked for it, hears the summary, the message and
    # the choices, and presses 7 during the choices; the box says goodbye and hangs up.
    keys = (f"1500:{DEMO_PIN}#", "18000:7")
    with box.agent("1001", call="*97", record=True, tone_hz=500, dtmf=keys) as owner:
        owner.read_until("recording", 15)
        owner.read_until("disconnected", 40)
    recording = Path(next(x for x in owner.lines if x["event"] == "recording")["path"])
    assert heard(recording, 0.0, 1.5, MESSAGE_HZ) < ABSENT  # "enter your PIN", not the message
    assert loudest(recording, MESSAGE_HZ) > PRESENT  # the message played back to the owner
    [after] = store_rows(box, "SELECT * FROM voicemail_message")
    assert after["deleted"] and after["heard_at"] is not None
    assert [(m["change"], m["new"], m["old"]) for m in mwi_events(box)] == [
        ("left", 1, 0), ("heard", 0, 1), ("deleted", 0, 0)]  # fmt: skip
    logins = store_rows(box, "SELECT data FROM call_event WHERE kind = 'voicemail.login'")
    assert [json.loads(r["data"]) for r in logins] == [{"agent": "1001", "box": "1001", "ok": True}]
    assert box.control.call("voicemail.messages", box="1001")["messages"] == []
