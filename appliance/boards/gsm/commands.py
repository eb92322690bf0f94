"""The AT command queue: one command at a time, each with its final results and timeout.

Lines that arrive while a command waits are its answer, unless they are unsolicited
(the vendor table says so and the command does not expect that prefix); those, and
every line when nothing waits, go to `on_unsolicited`. A command that gets no final
result in time raises `DeviceTimeout`; whatever it says later is logged as stray.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from appliance.boards.exceptions import DeviceTimeout, PortError
from appliance.boards.gsm import parser

log = logging.getLogger(__name__)


@dataclass
class Command:
    """A command waiting for its answer."""

    text: str
    expect: str = ""  # the prefix of its information lines, e.g. "+CSQ:"
    finals: tuple[str, ...] = ()  # final results besides OK and ERROR
    lines: list[str] = field(default_factory=list)
    final: str = ""
    done: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class Answer:
    """A command's information lines and its final result."""

    lines: list[str]
    final: str

    @property
    def ok(self) -> bool:
        """Return true if the module said OK."""
        return self.final == "OK"

    def line(self, prefix: str) -> str:
        """Return the first information line starting with prefix; raise ParseError if none."""
        for line in self.lines:
            if line.startswith(prefix):
                return line
        raise parser.ParseError(f"no {prefix} line in the answer {self.lines} {self.final}")


class CommandQueue:
    """Send AT commands one at a time over a transport's write."""

    def __init__(
        self,
        write: Callable[[bytes], None],
        is_unsolicited: Callable[[str], bool],
        on_unsolicited: Callable[[str], None],
    ) -> None:
        """Write with write; tell unsolicited lines apart with is_unsolicited."""
        self._write = write
        self._is_unsolicited = is_unsolicited
        self._on_unsolicited = on_unsolicited
        self._send_lock = threading.Lock()  # one command on the wire at a time
        self._pending: Command | None = None
        self._lock = threading.Lock()

    def run(
        self, text: str, timeout: float, expect: str = "", finals: tuple[str, ...] = ()
    ) -> Answer:
        """Send text and return its answer; raise DeviceTimeout if none came in time."""
        command = Command(text, expect, finals)
        if not self._send_lock.acquire(timeout=timeout):
            raise DeviceTimeout(f"{text}: the module is still busy with an earlier command")
        try:
            with self._lock:
                self._pending = command
            try:
                self._write(text.encode("ascii") + b"\r")
            except (OSError, UnicodeEncodeError) as error:
                raise PortError(f"{text}: {error}") from None
            if not command.done.wait(timeout):
                raise DeviceTimeout(f"{text}: no answer in {timeout:g} s")
            return Answer(command.lines, command.final)
        finally:
            with self._lock:
                self._pending = None
            self._send_lock.release()

    def on_line(self, line: str) -> None:
        """Route one line from the modem to the waiting command or to the unsolicited handler."""
        with self._lock:
            command = self._pending
            if command is not None and not command.done.is_set() and self._answers(command, line):
                if parser.is_final(line, command.finals):
                    command.final = line
                    command.done.set()
                elif line != command.text:  # an echo of the command is not part of its answer
                    command.lines.append(line)
                return
        if self._is_unsolicited(line):
            self._on_unsolicited(line)
        else:
            log.info("gsm: stray line %r (no command waiting for it)", line)

    def _answers(self, command: Command, line: str) -> bool:
        """Return true if line belongs to the waiting command's answer."""
        if command.expect and line.startswith(command.expect):
            return True
        if parser.is_final(line, command.finals):
            return True
        return not self._is_unsolicited(line)
