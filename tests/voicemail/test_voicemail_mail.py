"""Voicemail e-mail: composition in the box's language, sending with retries to a real server."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from boxharness import free_port
from peewee import Database
from smtp_sink import smtp_server

from appliance.config import SmtpSettings
from appliance.voicemail import boxes
from appliance.voicemail.mail import Mailer, compose

AUDIO = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40)


def box(language: str = "en", email: str = "alice@example.com") -> boxes.Box:
    return boxes.Box("1001", "Alice", "1001", "", email, "", language, 120, "")


def message(caller: str = "13800138000") -> boxes.Message:
    return boxes.Message(7, "1001", "c1", caller, "1001/c1.wav", 4.5, 1_790_000_000.0, None)


def test_the_english_mail_names_box_caller_time_and_length_with_the_wav_attached() -> None:
    mail = compose(message(), box(), AUDIO, "callbox@box.example", "Asia/Shanghai")
    assert mail["Subject"] == "New voicemail in box 1001 (Alice) from 13800138000 (4.5 s)"
    assert (mail["From"], mail["To"]) == ("callbox@box.example", "alice@example.com")
    body = mail.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "From: 13800138000" in text and "Length: 4.5 seconds" in text
    assert "2026-09-21 22:13:20 CST" in text  # the box's time zone, not UTC
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "audio/wav"
    assert attachment.get_filename() == "voicemail-1001-20260921-221320.wav"
    assert attachment.get_content() == AUDIO


def test_the_chinese_mail_and_an_unknown_caller() -> None:
    mail = compose(message(caller=""), box("zh"), AUDIO, "callbox@box.example")
    assert mail["Subject"] == "信箱 1001 (Alice) 有新留言，来电号码 未知号码（4.5 秒）"
    body = mail.get_body(("plain",))
    assert body is not None and "您有一条新留言" in body.get_content()


def settings(port: int, attempts: int = 4) -> SmtpSettings:
    return SmtpSettings(enabled=True, host="127.0.0.1", port=port, sender="vm@box.example",
                        timeout_seconds=2, attempts=attempts, retry_seconds=0.3)  # fmt: skip


class Reports:
    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, Any]]] = []
        self.done = threading.Event()

    def __call__(self, kind: str, data: dict[str, Any]) -> None:
        self.seen.append((kind, data))
        self.done.set()


def leave(folder: Path) -> int:
    """Leave a message in box 1001 (with an address) and its file; return its id."""
    boxes.apply_change({"change": "left", "box": "1001", "call_id": "c1", "caller": "555",
                        "file": "1001/c1.wav", "seconds": 2.0, "at": 1_790_000_000.0})  # fmt: skip
    boxes.update_box("1001", email="alice@example.com", language="zh")
    (folder / "1001").mkdir(parents=True)
    (folder / "1001" / "c1.wav").write_bytes(AUDIO)
    return boxes.messages("1001")[0].id


def test_a_server_that_comes_up_late_gets_the_mail_on_a_retry(
    store: Database, tmp_path: Path
) -> None:
    message_id = leave(tmp_path)
    port = free_port()
    reports = Reports()
    mailer = Mailer(settings(port), tmp_path, "UTC", reports)
    mailer.start()
    try:
        mailer.notify(message_id)
        # Nobody listens yet: the first try (after 1 s) fails, the next ones wait 0.3, 0.6 s.
        threading.Event().wait(1.2)
        with smtp_server(port) as sink:
            [mail] = sink.wait(1, timeout=10)
            assert reports.done.wait(5)
    finally:
        mailer.stop()
    assert sink.envelopes == [("vm@box.example", ["alice@example.com"])]
    assert "信箱 1001" in mail["Subject"]
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content() == AUDIO
    assert reports.seen == [
        ("voicemail.mailed", {"box": "1001", "message": message_id, "to": "alice@example.com"})
    ]


def test_a_mail_that_never_goes_is_given_up_and_reported(store: Database, tmp_path: Path) -> None:
    message_id = leave(tmp_path)
    reports = Reports()
    mailer = Mailer(settings(free_port(), attempts=2), tmp_path, "UTC", reports)
    mailer.start()
    try:
        mailer.notify(message_id)
        assert reports.done.wait(10)
    finally:
        mailer.stop()
    [(kind, data)] = reports.seen
    assert kind == "voicemail.mail_failed"
    assert (data["message"], data["tries"]) == (message_id, 2)
    assert "refused" in data["error"].lower()


@pytest.mark.parametrize("email", [""])
def test_a_box_without_an_address_sends_nothing(
    store: Database, tmp_path: Path, email: str
) -> None:
    message_id = leave(tmp_path)
    boxes.update_box("1001", email=email)
    port = free_port()
    reports = Reports()
    mailer = Mailer(settings(port), tmp_path, "UTC", reports)
    with smtp_server(port) as sink:
        mailer.start()
        mailer.notify(message_id)
        assert not reports.done.wait(1.8)
        mailer.stop()
    assert sink.messages == [] and reports.seen == []
