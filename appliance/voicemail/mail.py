"""E-mail a new voicemail to its box's address, the recording attached, in the box's language.

`compose` builds the message (pure).  `Mailer` sends from its own thread with
`smtplib`, never the engine's: each message is tried `smtp.attempts` times, waiting
`smtp.retry_seconds` before the second try and twice as long before each further
one; `report(kind, data)` hears ``voicemail.mailed`` or, once the tries run out,
``voicemail.mail_failed``.  The first try waits FIRST_DELAY_SECONDS so the engine
has closed the WAV (its header is written on close).
"""

from __future__ import annotations

import heapq
import logging
import queue
import smtplib
import threading
import time
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from appliance.config import SmtpSettings
from appliance.voicemail.boxes import Box, Message, message_and_box

log = logging.getLogger(__name__)
FIRST_DELAY_SECONDS = 1.0
TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "subject": "New voicemail in box {box} from {caller} ({seconds} s)",
        "body": "You have a new voicemail.\n\nMailbox: {box}\nFrom: {caller}\n"
        "Received: {when}\nLength: {seconds} seconds\n\nThe recording is attached.\n",
        "unknown": "an unknown number",
    },
    "zh": {
        "subject": "信箱 {box} 有新留言，来电号码 {caller}（{seconds} 秒）",
        "body": "您有一条新留言。\n\n信箱：{box}\n来电号码：{caller}\n"
        "留言时间：{when}\n时长：{seconds} 秒\n\n录音见附件。\n",
        "unknown": "未知号码",
    },
}
Report = Callable[[str, dict[str, Any]], None]


def compose(
    message: Message, box: Box, audio: bytes, sender: str, timezone: str = "UTC"
) -> EmailMessage:
    """Return the notification of message for box, the WAV audio attached."""
    texts = TEXTS.get(box.language, TEXTS["en"])
    received = datetime.fromtimestamp(message.created_at, ZoneInfo(timezone))
    fields = {
        "box": f"{box.name} ({box.title})" if box.title else box.name,
        "caller": message.caller or texts["unknown"],
        "when": received.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "seconds": f"{message.seconds:g}",
    }
    mail = EmailMessage()
    mail["Subject"] = texts["subject"].format(**fields)
    mail["From"], mail["To"] = sender, box.email
    mail["Date"] = formatdate(message.created_at, localtime=False)
    mail["Message-ID"] = make_msgid("voicemail")
    mail.set_content(texts["body"].format(**fields))
    name = f"voicemail-{box.name}-{received.strftime('%Y%m%d-%H%M%S')}.wav"
    mail.add_attachment(audio, maintype="audio", subtype="wav", filename=name)
    return mail


def send(mail: EmailMessage, smtp: SmtpSettings) -> None:
    """Send one e-mail through the configured server (raises on failure)."""
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as server:
        if smtp.starttls:
            server.starttls()
        if smtp.username:
            server.login(smtp.username, smtp.password)
        server.send_message(mail)


class Mailer:
    """Send voicemail notifications from a thread of their own, with retries."""

    def __init__(self, smtp: SmtpSettings, folder: Path, timezone: str, report: Report) -> None:
        self.smtp, self.folder, self.timezone, self.report = smtp, folder, timezone, report
        self._inbox: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._due: list[tuple[float, int, int]] = []  # (when, message id, tries made)
        self._thread = threading.Thread(target=self._run, name="voicemail-mail", daemon=True)

    def start(self) -> None:
        """Start the mail thread."""
        self._thread.start()

    def notify(self, message_id: int) -> None:
        """Send the e-mail of a message just left (from any thread)."""
        self._inbox.put(message_id)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the thread (e-mails still waiting for a retry are not sent)."""
        self._inbox.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        """Take new messages, try those due, until stopped."""
        while True:
            wait = max(0.0, self._due[0][0] - time.monotonic()) if self._due else None
            try:
                item = self._inbox.get(timeout=wait)
            except queue.Empty:
                item = -1  # a retry fell due
            if item is None:
                return
            if item >= 0:
                heapq.heappush(self._due, (time.monotonic() + FIRST_DELAY_SECONDS, item, 0))
            while self._due and self._due[0][0] <= time.monotonic():
                _, message_id, tries = heapq.heappop(self._due)
                self._try(message_id, tries + 1)

    def _try(self, message_id: int, tries: int) -> None:
        """Send one message's e-mail; plan a retry or report the outcome."""
        try:
            message, box = message_and_box(message_id)
            if not box.email:
                return  # the box wants no e-mail
            audio = (self.folder / message.file).read_bytes()
            send(compose(message, box, audio, self.smtp.sender, self.timezone), self.smtp)
        except Exception as exc:
            self._failed(message_id, tries, exc)
            return
        self.report("voicemail.mailed", {"box": box.name, "message": message_id, "to": box.email})

    def _failed(self, message_id: int, tries: int, exc: Exception) -> None:
        """Try again later, or give up and say so."""
        if tries < self.smtp.attempts:
            delay = self.smtp.retry_seconds * 2 ** (tries - 1)
            log.warning("voicemail %d: e-mail try %d failed (%s); again in %.0f s",
                        message_id, tries, exc, delay)  # fmt: skip
            heapq.heappush(self._due, (time.monotonic() + delay, message_id, tries))
            return
        log.error("voicemail %d: e-mail given up after %d tries: %s", message_id, tries, exc)
        self.report("voicemail.mail_failed", {"message": message_id, "tries": tries,
                                              "error": str(exc)})  # fmt: skip
