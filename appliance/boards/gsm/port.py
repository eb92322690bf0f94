"""A GSM line: the AT dialogue that answers, places and ends calls, and watches the module.

It wires the parts together: the transport's lines go to the command queue, the
queue's unsolicited lines to `_on_unsolicited`, which the call machine turns into port
events. Follow-up commands (reading a new SMS, switching the call's PCM audio on when
it is answered and off when it ends) run on the port's worker thread, never on the
reader thread, which must stay free to read their answers.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
from collections.abc import Callable
from typing import Any

from appliance.boards.audio import PCM16_8K, AudioStream
from appliance.boards.base import Port, PortHealth
from appliance.boards.const import CallState, EventKind, PortKind
from appliance.boards.exceptions import DeviceTimeout, DriverUnavailable, PortError
from appliance.boards.gsm import parser, vendors
from appliance.boards.gsm.commands import Answer, CommandQueue
from appliance.boards.gsm.machine import CallMachine, Events
from appliance.boards.gsm.pcm import SerialPcmAudio
from appliance.boards.gsm.sms import SmsStore
from appliance.boards.gsm.transport import SerialTransport

log = logging.getLogger(__name__)
NUMBER = re.compile(r"\+?[0-9*#]{1,32}")
DTMF = re.compile(r"[0-9*#A-D]{1,64}")
PROBES = 3  # "AT"s sent before the module is declared silent


class GsmPort(Port):
    """The one line of a GSM/LTE module."""

    def __init__(self, name: str, config: dict[str, Any], sms: SmsStore) -> None:
        """Set up the line from the board's validated config; open() talks to the module."""
        super().__init__(name, PortKind.GSM, AudioStream(PCM16_8K, "not identified yet"))
        self.config = config
        self.vendor = vendors.VENDORS.get(config["vendor"], vendors.SIMCOM)
        self.sms = sms
        self.machine = CallMachine()
        self.transport = SerialTransport(config["device"], config["baudrate"])
        self.commands = CommandQueue(self.transport.write, self._is_unsolicited, self._urc)
        self.transport.on_line = self.commands.on_line
        self.transport.on_lost = self._lost
        self._call_lock = threading.RLock()
        self._work: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._health = PortHealth(name, False, ("not_opened",))
        self._signal: int | None = None
        self.model = ""
        self.pcm: vendors.PcmPath | None = None  # the module's PCM path, once identified
        self._pcm_on = False  # the enable command was accepted for the current call
        self.lost = ""  # why the AT port vanished ("" while it is there)

    # -- lifecycle -------------------------------------------------------------------

    def open(self) -> None:
        """Open the serial port, wake the module, identify it, set it up, read its health."""
        self.transport.open()
        self._worker = threading.Thread(target=self._work_loop, name="gsm-work", daemon=True)
        self._worker.start()
        self._probe()
        self._setup()
        self.refresh_health()

    def close(self) -> None:
        """Stop the worker and close the port (and its audio port); never raises."""
        self._work.put(None)
        if self._worker is not None:
            self._worker.join(timeout=2)
        if isinstance(self.audio, SerialPcmAudio):
            self.audio.stop()
        self.transport.close()

    def _probe(self) -> None:
        """Send AT until the module says OK; raise DeviceTimeout after PROBES silent tries."""
        for _ in range(PROBES):
            try:
                if self._at("AT").ok:
                    return
            except DeviceTimeout:
                continue
        device = self.config["device"]
        raise DeviceTimeout(f"{self.name}: the module at {device} does not answer AT")

    def _setup(self) -> None:
        """Turn echo off, identify the vendor, and send the common and vendor setup."""
        self._at("ATE0")
        model = self._at("AT+CGMM")
        self.model = " ".join(model.lines) if model.ok else ""
        if self.config["vendor"] == "auto":
            found = vendors.for_model(self.model)
            if found is None:
                name = self.model or model.final
                raise PortError(f"{self.name}: unknown module {name!r}; set vendor in its config")
            self.vendor = found
        self._set_audio()
        for command in vendors.COMMON_INIT + self.vendor.init:
            if not self._at(command).ok:
                log.warning("%s: %s refused by the %s module", self.name, command, self.vendor.name)

    def _set_audio(self) -> None:
        """Declare the port's audio: the module's PCM port, or why there is none."""
        pcm = self.vendor.pcm_for(self.model)
        device = self.config["audio_device"]
        if pcm == self.pcm and isinstance(self.audio, SerialPcmAudio):
            return  # set up again after a silence: the same path, perhaps in a call
        self.pcm = pcm
        fmt = self.vendor.audio_format
        if pcm is None:
            why = f"none: the {self.model or self.vendor.name} has no PCM audio over USB"
            self.audio = AudioStream(fmt, why)
        elif not device:
            self.audio = AudioStream(fmt, f"none: audio_device is not set ({pcm.port} port)")
        else:
            path = f"{self.vendor.audio_path} {device}"
            self.audio = SerialPcmAudio(device, self.config["baudrate"], path, pcm.frame_bytes)

    def _at(self, text: str, expect: str = "", finals: tuple[str, ...] = ()) -> Answer:
        """Run one command with the configured timeout."""
        return self.commands.run(text, self.config["command_timeout"], expect, finals)

    # -- calls -----------------------------------------------------------------------

    def answer(self) -> None:
        """Answer the ringing call with ATA."""
        self._require(CallState.RINGING, "answer")
        answer = self.commands.run("ATA", self.config["answer_timeout"], finals=parser.CALL_RESULTS)
        if answer.final in parser.CALL_RESULTS:
            self._apply(self.machine.ended("failed"))
            raise PortError(f"{self.name}: the caller was gone before the answer ({answer.final})")
        self._refused(answer, "ATA")
        self._apply(self.machine.answered())

    def hangup(self) -> None:
        """End the call (or refuse the ringing one); nothing to do when idle."""
        if self.machine.state is CallState.IDLE:
            return
        self._refused(self._at(self.vendor.hangup), self.vendor.hangup)
        self._apply(self.machine.ended("local"))

    def dial(self, number: str) -> None:
        """Place a voice call to number (ATD<number>;); answer and hangup come as events."""
        if not NUMBER.fullmatch(number):
            raise PortError(f"{self.name}: cannot dial {number!r}: digits, * and # only")
        self._require(CallState.IDLE, "dial")
        self._apply(self.machine.dialing())
        answer = self._at(f"ATD{number};", finals=parser.CALL_RESULTS)
        if answer.final in parser.CALL_RESULTS:
            self._apply(self.machine.ended(_cause(answer.final)))
            return
        if not answer.ok:
            self._apply(self.machine.ended("failed"))
            raise PortError(f"{self.name}: ATD{number}; refused: {answer.final}")

    def send_dtmf(self, digits: str) -> None:
        """Send DTMF on the active call, one AT+VTS per digit."""
        if not DTMF.fullmatch(digits):
            raise PortError(f"{self.name}: cannot send DTMF {digits!r}: 0-9, *, #, A-D only")
        self._require(CallState.ACTIVE, "send DTMF")
        for digit in digits:
            self._refused(self._at(f"AT+VTS={digit}"), f"AT+VTS={digit}")

    def _require(self, state: CallState, what: str) -> None:
        """Raise PortError unless the line is in state."""
        if self.machine.state is not state:
            raise PortError(f"{self.name}: cannot {what} while {self.machine.state}")

    def _refused(self, answer: Answer, command: str) -> None:
        """Raise PortError if the module did not say OK."""
        if not answer.ok:
            raise PortError(f"{self.name}: {command} refused: {answer.final}")

    def _apply(self, events: Events) -> None:
        """Mirror the machine's state and emit its events; the call's audio follows it."""
        with self._call_lock:
            self.state = self.machine.state
            for kind, data in events:
                self.emit(kind, **data)
                if kind is EventKind.ANSWERED:
                    self._work.put(self._audio_on)
                elif kind is EventKind.HANGUP:
                    self._work.put(self._audio_off)

    # -- the call's audio (worker thread) -----------------------------------------------

    def _audio_on(self) -> None:
        """The call is up: open the audio port, then switch the module's PCM on."""
        audio, pcm = self.audio, self.pcm
        if not isinstance(audio, SerialPcmAudio) or pcm is None or self._pcm_on:
            return
        if self.machine.state is not CallState.ACTIVE:
            return  # it ended before we got here
        try:
            audio.start()
            answer = self._at(pcm.enable)
            if not answer.ok:
                raise PortError(f"{pcm.enable} refused: {answer.final}")
        except (DriverUnavailable, PortError) as error:
            audio.stop()
            log.error("%s: no call audio: %s", self.name, error)
            self._note("audio_failed", str(error))
            return
        self._pcm_on = True

    def _audio_off(self) -> None:
        """The call ended: stop the audio and switch the module's PCM off."""
        if isinstance(self.audio, SerialPcmAudio):
            self.audio.stop()
        if not self._pcm_on or self.pcm is None:
            return
        self._pcm_on = False
        if not self.pcm.disable:
            return
        try:
            answer = self._at(self.pcm.disable)
        except PortError as error:
            answer = Answer([], str(error))
        if not answer.ok:
            log.warning("%s: %s: %s", self.name, self.pcm.disable, answer.final)

    # -- what the module says by itself ------------------------------------------------

    def _is_unsolicited(self, line: str) -> bool:
        """Return true if the vendor table names line as unsolicited."""
        return bool(self.vendor.meaning(line))

    def _urc(self, line: str) -> None:
        """Act on one unsolicited line; a malformed one is logged and noted in health."""
        meaning = self.vendor.meaning(line)
        try:
            with self._call_lock:
                self._apply(self._events_for(meaning, line))
        except parser.ParseError as error:
            log.warning("%s: %s", self.name, error)
            self._note("bad_response", str(error))

    def _events_for(self, meaning: str, line: str) -> Events:
        """Return the events an unsolicited line causes."""
        machine = self.machine
        if meaning == "ring":
            return machine.ring()
        if meaning == "caller_id":
            return machine.caller_id(*parser.caller_id(line))
        if meaning == "call_status":
            return machine.status(parser.call_status(line))
        if meaning in ("ended", "busy", "no_answer"):
            return machine.ended(_cause(line))
        if meaning == "answered":
            return machine.answered()
        if meaning == "dtmf":
            return machine.dtmf(parser.dtmf(line))
        if meaning == "sms":
            index = parser.new_sms(line)
            self._work.put(lambda: self._read_sms(index))
        elif meaning == "signal":
            self._signal_changed(parser.signal(line))
        return []

    def _read_sms(self, index: int) -> None:
        """Read SMS number index off the SIM, store it, and delete it there."""
        try:
            answer = self._at(f"AT+CMGR={index}", expect="+CMGR:")
            header = answer.line("+CMGR:")
            sender, sent = parser.sms_header(header)
            text = "\n".join(line for line in answer.lines if line != header)
            message = self.sms.add(self.name, sender, sent, text)
            self.emit(EventKind.SMS, sender=sender, text=message["text"])
            self._at(f"AT+CMGD={index}")
        except (PortError, parser.ParseError) as error:
            log.warning("%s: SMS %d not read: %s", self.name, index, error)
            self._note("sms_unread", str(error))

    def _work_loop(self) -> None:
        """Run follow-up jobs until told to stop."""
        while (job := self._work.get()) is not None:
            try:
                job()
            except Exception:
                log.exception("%s: follow-up job failed", self.name)

    def _lost(self, reason: str) -> None:
        """The serial port went away: end any call and say so."""
        log.error("%s: %s", self.name, reason)
        self.lost = reason
        self._apply(self.machine.ended("failed"))
        self._health = PortHealth(self.name, False, ("device_lost",), {"device_lost": reason})
        self.emit(EventKind.ALARM, alarm="device_lost", on=True)

    # -- health ----------------------------------------------------------------------

    def health(self) -> PortHealth:
        """Return the health read by the last refresh_health (and what happened since)."""
        return self._health

    def refresh_health(self) -> PortHealth:
        """Ask the module for SIM state, signal and registration; return the port's health.
        A port whose device was lost stays `device_lost` (a rescan reopens it)."""
        if self.lost:
            return self._health
        details: dict[str, Any] = {"vendor": self.vendor.name, "audio": self.audio.path}
        if self.model:
            details["model"] = self.model
        if isinstance(self.audio, SerialPcmAudio) and self.audio.lost:
            details["audio_lost"] = self.audio.lost
        try:
            was_silent = "not_answering" in self._health.problems
            details["sim"] = parser.sim_state(self._info("AT+CPIN?", "+CPIN:"))
            signal = parser.signal(self._info("AT+CSQ", "+CSQ:"))
            details.update(rssi=signal.rssi, dbm=signal.dbm)
            details["registration"] = parser.registration(self._info("AT+CREG?", "+CREG:"))
            self._signal_changed(signal)
            if was_silent:
                self._setup()  # it came back, perhaps rebooted: set it up again
        except DeviceTimeout as error:
            details["not_answering"] = str(error)
        except (parser.ParseError, PortError) as error:
            details["bad_response"] = str(error)
        health = PortHealth(self.name, *_judge(details, self.config["min_rssi"]), details)
        if not self.lost:  # lost while we asked: that stays the news
            self._health = health
        return self._health

    def _info(self, command: str, prefix: str) -> str:
        """Run a query and return its prefix line (or its +CME ERROR, for AT+CPIN?)."""
        answer = self._at(command, expect=prefix)
        if answer.final.startswith("+CME ERROR:") and prefix == "+CPIN:":
            return answer.final
        if not answer.ok:
            raise PortError(f"{command} refused: {answer.final}")
        return answer.line(prefix)

    def _signal_changed(self, signal: parser.Signal) -> None:
        """Emit a signal event when the RSSI moved."""
        if signal.rssi != self._signal:
            self._signal = signal.rssi
            self.emit(EventKind.SIGNAL, rssi=signal.rssi, dbm=signal.dbm)

    def _note(self, problem: str, detail: str) -> None:
        """Add a problem to the current health until the next refresh."""
        problems = tuple(dict.fromkeys((*self._health.problems, problem)))
        details = {**self._health.details, problem: detail}
        self._health = PortHealth(self.name, False, problems, details)


def _cause(final: str) -> str:
    """Return the hangup cause a call result line stands for."""
    return {"BUSY": "busy", "NO ANSWER": "no_answer", "NO DIALTONE": "failed"}.get(final, "normal")


def _judge(details: dict[str, Any], min_rssi: int) -> tuple[bool, tuple[str, ...]]:
    """Return (ok, problems) for what the module said about itself."""
    if "not_answering" in details or "bad_response" in details:
        return False, tuple(k for k in ("not_answering", "bad_response") if k in details)
    problems = []
    if details["sim"] == "missing":
        problems.append("sim_missing")
    elif details["sim"] != "ready":
        problems.append("sim_locked")
    if details["rssi"] == 99 or details["rssi"] < min_rssi:
        problems.append("no_signal")
    if details["registration"] not in parser.REGISTERED:
        problems.append("not_registered")
    return not problems, tuple(problems)
