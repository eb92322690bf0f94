"""Wire the engine together and run it: store, recovery, reactor, switchboard, control, poller."""

from __future__ import annotations

import functools
import logging
import signal
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from appliance.callflow.const import AgentState
from appliance.config import Settings
from appliance.engine.commands import Commands
from appliance.engine.control import ControlServer
from appliance.engine.directory import load_directory
from appliance.engine.reactor import Reactor
from appliance.engine.recording_space import SpaceChange
from appliance.engine.recovery import recover
from appliance.engine.switchboard import Switchboard
from appliance.engine.trunk_qualify import TrunkQualifier
from appliance.health import alerts
from appliance.health.notify import keep_alive_seconds, sd_notify
from appliance.sipedge import registrations
from appliance.store.manager import open_store
from appliance.store.writer import EventWriter
from appliance.voicemail.mail import Mailer

log = logging.getLogger(__name__)
REGISTRATION_POLL_SECONDS = 1.0
# Not the watchdog's `disk.recordings` (disk_low, its own thresholds): this one says calls
# are not being recorded, and only the engine raises and clears it.
DISK_ALERT = "recording.disk_full"


def _logged(future: Future[Any]) -> None:
    """Log a job of the disk thread that failed on the engine thread."""
    if future.exception() is not None:
        log.error("stopping or resuming recordings failed", exc_info=future.exception())


class Engine:
    """The engine process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.database = open_store(settings, migrate=False)
        self.stopping = threading.Event()
        self.control: ControlServer | None = None  # bound once the SIP ports are ours
        self.writer = EventWriter(self.database, self._publish)
        self.reactor = Reactor(settings)
        self.board = Switchboard(settings, self.reactor, self.writer)
        self.commands = Commands(self)
        self.contacts: dict[str, str] = {}
        self.mailer: Mailer | None = None  # voicemail by e-mail, when smtp.enabled
        if settings.smtp.enabled:
            folder = Path(settings.paths.var) / "voicemail"
            self.mailer = Mailer(settings.smtp, folder, settings.timezone, self._mail_report)

    def _dispatch(self, cmd: str, args: dict[str, Any]) -> Any:
        """Answer a control command."""
        return self.commands.dispatch(cmd, args)

    def _mail_report(self, kind: str, data: dict[str, Any]) -> None:
        """Record how a voicemail e-mail went (from the mail thread)."""
        self.writer.event("", kind, data)

    def _publish(self, events: list[dict[str, Any]]) -> None:
        """Send committed events to control-socket subscribers; a new voicemail to the mailer."""
        for event in events:
            data = event["data"]
            if self.mailer and event["kind"] == "voicemail.mwi" and data.get("change") == "left":
                self.mailer.notify(int(data["message"]))
        if self.control is None:
            return
        for event in events:
            self.control.publish(
                {
                    "event": event["kind"],
                    "call_id": event["call_id"],
                    "at": event["at"],
                    "leg": event["leg"],
                    "data": event["data"],
                }
            )

    def run(self) -> None:
        """Run until SIGTERM or SIGINT, then stop cleanly (EngineStartError if it cannot start)."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stopping.set())
        recover(self.database, Path(self.settings.paths.recordings))
        self.writer.start()
        if self.mailer is not None:
            self.mailer.start()
        try:
            self.reactor.start()
        except BaseException:
            self.writer.stop()
            self.reactor.destroy()
            raise
        self.board.open_accounts()
        self.board.configure(load_directory())
        self.board.lines.start(self.settings.boards)
        self.board.qualifier = TrunkQualifier(self.board, self.stopping)
        self.board.qualifier.start()
        self.control = ControlServer(self.settings.engine.control_socket, self._dispatch)
        self.control.start()
        threading.Thread(target=self._poll_registrations, name="registrations", daemon=True).start()
        threading.Thread(target=self._watch_disk, name="disk", daemon=True).start()
        e = self.settings.engine
        log.info(
            "engine ready: edge %s:%d, trunk %s:%d, control %s",
            e.listen,
            e.port,
            e.trunk_listen,
            e.trunk_port,
            e.control_socket,
        )
        self._notify_ready()
        try:
            self.reactor.run(self.stopping.is_set)
        finally:
            self._shutdown()

    def _notify_ready(self) -> None:
        """Tell systemd the engine is up; keep it told from the engine thread if it asks."""
        sd_notify("READY=1")
        period = keep_alive_seconds()
        if period is not None:
            self._keep_alive(period)

    def _keep_alive(self, period: float) -> None:
        """Send WATCHDOG=1 now and again in period seconds, on the engine thread.

        Sent by a reactor timer, so systemd restarts an engine whose SIP loop is stuck.
        """
        sd_notify("WATCHDOG=1")
        self.reactor.call_later(period, functools.partial(self._keep_alive, period))

    def _shutdown(self) -> None:
        """Hang up calls, let BYEs go out, write what is queued, free pjsua2."""
        log.info("engine stopping")
        self.stopping.set()
        if self.board.hang_up_all():
            self.reactor.drain(0.5)  # BYEs out, their answers in
        self.board.lines.stop()  # line ports leave the bridge before the library goes
        if self.control is not None:
            self.control.stop()
        self.writer.flush(5.0)
        if self.mailer is not None:
            self.mailer.stop()
        self.writer.stop()
        self.board.music.close()
        self.board.release_calls()
        self.board.trunk_accounts.close()  # un-REGISTERs leave now; answers are not awaited
        self.board.edge_account = self.board.trunk_account = None
        self.reactor.destroy()

    def _poll_registrations(self) -> None:
        """Follow phones (un)registering at the SIP edge (Kamailio's location table)."""
        known: dict[str, str] = {}
        while not self.stopping.wait(REGISTRATION_POLL_SECONDS):
            current = {ext: r.contact for ext, r in registrations.registered(self.settings).items()}
            if current != known:
                changes = {
                    ext: current.get(ext)
                    for ext in set(current) | set(known)
                    if current.get(ext) != known.get(ext)
                }
                self.reactor.submit(functools.partial(self._apply_registrations, changes))
                known = current

    def _watch_disk(self) -> None:
        """Follow the recordings folder's free space: stop or resume recordings, alert."""
        alerted: bool | None = None  # what the store says; None: not known (clear a stale one)
        while not self.stopping.is_set():
            try:
                self._check_disk()
                alerted = self._sync_disk_alert(alerted)
            except Exception:  # a store error must not end the watch (tried again next time)
                log.exception("checking the recordings folder's free space failed")
            self.stopping.wait(self.settings.engine.disk_check_seconds)

    def _check_disk(self) -> None:
        """Measure once; on a change, stop or resume the recordings on the engine thread."""
        change, _ = self.board.space.check()
        if change is SpaceChange.LOW:
            self.reactor.submit(self.board.recordings.disk_full).add_done_callback(_logged)
        elif change is SpaceChange.BACK:
            self.reactor.submit(self.board.recordings.disk_back).add_done_callback(_logged)

    def _sync_disk_alert(self, alerted: bool | None) -> bool:
        """Raise or clear the disk alert if the store does not say so yet; return what it says."""
        space = self.board.space
        if alerted is space.low:
            return alerted
        if not space.low:
            alerts.clear_alert(self.database, DISK_ALERT)  # also one left by an engine that died
            return False
        free = space.free_mb()
        params = {"free_mb": round(free, 1), "min_free_mb": space.min_free_mb,
                  "folder": str(space.folder)}  # fmt: skip
        detail = f"{free:.1f} MB free on {space.folder}: calls are not recorded"
        alerts.raise_alert(
            self.database, DISK_ALERT, "recording_disk_full", params, detail, alerts.CRITICAL
        )
        return True

    def _apply_registrations(self, changes: dict[str, str | None]) -> None:
        """Tell the ACD which phones came and went (engine thread)."""
        now = time.time()
        for ext, contact in changes.items():
            if contact:
                self.contacts[ext] = contact
            else:
                self.contacts.pop(ext, None)
            if self.board.acd.set_registered(ext, bool(contact), now):
                kind = "agent.registered" if contact else "agent.unregistered"
                self.board.emit_agent(ext, kind, {"contact": contact})
        self.board.desk.dispatch()

    def set_agent_state(self, extension: str, state: AgentState, reason: str = "") -> None:
        """Change an agent's working state and its reason (engine thread)."""
        if extension in self.board.acd.agents:
            self.board.acd.set_state(extension, state, time.time(), reason)
            self.board.agent_changed(extension)
            self.board.desk.dispatch()

    def agent_snapshot(self) -> list[dict[str, Any]]:
        """Return agents as the `agents` command lists them (engine thread)."""
        acd = self.board.acd
        return [
            {
                "extension": a.extension,
                "name": a.name,
                "registered": a.registered,
                "contact": self.contacts.get(a.extension),
                "state": str(a.state),
                "reason": a.reason,
                "queues": acd.queues_of(a.extension),
                "call_id": a.call_id or a.engaged or None,
            }
            for a in sorted(acd.agents.values(), key=lambda a: a.extension)
        ]
