"""Control-socket commands that operate on live calls (agent console and supervisor).

Each runs the operation on the engine thread; an operation that cannot be done
raises `CommandError` there, which reaches the client as a clear error while the
call goes on as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from appliance.engine.control import CommandError

if TYPE_CHECKING:
    from appliance.engine.manager import Engine

REPLY_SECONDS = 5.0
MAX_NOTE = 2000


class CallCommands:
    """Call operations of one engine, by command name."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.table: dict[str, Callable[..., Any]] = {
            "call.hangup": self.hangup,
            "call.hold": self.hold,
            "call.record.start": self.record_start,
            "call.record.pause": self.record_pause,
            "call.record.resume": self.record_resume,
            "call.record.stop": self.record_stop,
            "call.resume": self.resume,
            "call.transfer": self.transfer,
            "call.transfer.complete": self.complete,
            "call.transfer.cancel": self.cancel,
            "call.conference": self.conference,
            "call.monitor": self.monitor,
            "call.takeover": self.take_over,
            "call.note": self.note,
            "call.intro": self.intro,
            "call.intro_cancel": self.intro_cancel,
        }

    def _run(self, fn: Callable[[], Any]) -> Any:
        """Run fn on the engine thread and return its result (or raise its error)."""
        return self.engine.reactor.submit(fn).result(REPLY_SECONDS)

    def hangup(self, call_id: str) -> Any:
        """End a call an agent is in, for everyone in it (the console's hang-up button)."""
        board = self.engine.board

        def end() -> dict[str, Any]:
            session = board.sessions.get(call_id)
            if session is None or session.state == "ending":
                raise CommandError("no-such-call", f"no call {call_id!r} in progress")
            if session.agent_leg is None:  # waiting or ringing: not the agent's to end
                raise CommandError("not-connected", f"call {call_id} is {session.state}")
            board.end_call(session, "agent", "hung up from the console")
            return {"call_id": call_id, "ended": True}

        return self._run(end)

    def hold(self, call_id: str) -> Any:
        """Put the caller on hold with music."""
        return self._run(lambda: self.engine.board.ops.hold(call_id, True))

    def record_start(self, call_id: str) -> Any:
        """Start recording a call that is not recorded."""
        return self._run(lambda: self.engine.board.recordings.start(call_id))

    def record_pause(self, call_id: str) -> Any:
        """Pause the call's recording (e.g. while a card number is read out)."""
        return self._run(lambda: self.engine.board.recordings.pause(call_id, True))

    def record_resume(self, call_id: str) -> Any:
        """Resume a paused recording."""
        return self._run(lambda: self.engine.board.recordings.pause(call_id, False))

    def record_stop(self, call_id: str) -> Any:
        """Stop the call's recording for good."""
        return self._run(lambda: self.engine.board.recordings.stop(call_id))

    def resume(self, call_id: str) -> Any:
        """Take the caller off hold."""
        return self._run(lambda: self.engine.board.ops.hold(call_id, False))

    def transfer(self, call_id: str, target: str, attended: bool = False) -> Any:
        """Transfer the caller: blind, or attended (consult first, then complete or cancel)."""
        _text("target", target)
        return self._run(lambda: self.engine.board.ops.transfer(call_id, target, bool(attended)))

    def complete(self, call_id: str) -> Any:
        """Complete an attended transfer."""
        return self._run(lambda: self.engine.board.ops.complete_transfer(call_id))

    def cancel(self, call_id: str) -> Any:
        """Cancel an attended transfer and go back to the caller."""
        return self._run(lambda: self.engine.board.ops.cancel_transfer(call_id))

    def conference(self, call_id: str, target: str) -> Any:
        """Add a third party (an agent or an external number) to the call."""
        _text("target", target)
        return self._run(lambda: self.engine.board.ops.conference(call_id, target))

    def monitor(self, call_id: str, supervisor: str, mode: str = "listen") -> Any:
        """Listen, whisper or barge: ring the supervisor's phone, or change the mode."""
        _text("supervisor", supervisor)
        return self._run(lambda: self.engine.board.ops.monitor(call_id, supervisor, mode))

    def take_over(self, call_id: str, supervisor: str) -> Any:
        """The monitoring supervisor takes the call; the agent leaves it."""
        return self._run(lambda: self.engine.board.ops.take_over(call_id, supervisor))

    def note(self, call_id: str, text: str) -> Any:
        """Attach a note to the call (it follows the call through transfers)."""
        _text("text", text, MAX_NOTE)
        return self._run(lambda: self.engine.board.ops.add_note(call_id, text))

    def intro(self, call_id: str, prompt: str = "company-intro") -> Any:
        """Play a recorded intro to the caller, then join them back to the agent."""
        _text("prompt", prompt)
        return self._run(lambda: self.engine.board.ops.intro.start(call_id, prompt))

    def intro_cancel(self, call_id: str) -> Any:
        """End the intro early: the caller hears the agent again."""
        return self._run(lambda: self.engine.board.ops.intro.cancel(call_id))


def _text(name: str, value: object, limit: int = 64) -> None:
    """Raise CommandError unless value is non-empty text of at most limit characters."""
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise CommandError("bad-args", f"{name} must be text of 1 to {limit} characters")
