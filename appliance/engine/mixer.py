"""The call's audio in the conference bridge, kept in line with its plan.

The plan (`appliance.callflow.mixing`) says who hears whom for the call's situation;
`Mixer.remix` diffs it against the links, music and recording inputs the call has
now and changes only what differs.  Runs on the engine thread.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

import pjsua2 as pj

from appliance.callflow.mixing import Situation, plan
from appliance.engine.legs import Leg
from appliance.engine.media import PromptMissing
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)


class Mixer:
    """The audio of every call of one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board

    def remix(self, session: CallSession) -> None:
        """Bring the bridge, the music and the recording in line with the call's plan."""
        if session.state == "ending":
            return
        parts = {
            role: leg
            for role in ("caller", "agent", "consult", "third", "supervisor")
            if (leg := _part(session, role)) is not None
        }
        wanted = plan(
            Situation(
                frozenset(parts),
                held=session.held,
                consulting=session.consult is not None,
                monitor=session.monitor,
                intro=session.intro is not None and not session.intro.over,
            )
        )
        links = {(parts[a], parts[b]) for a, b in wanted.links}
        self._relink(session, links)
        self._music(session, wanted.music)
        self._intro(session, wanted.intro, parts.get("agent") if wanted.agent_music else None)
        recorded = set() if session.recording_paused else {parts[r] for r in wanted.recorded}
        self._record(session, recorded)

    def record_nothing(self, session: CallSession) -> None:
        """Take every leg out of the recording (before the recorder is dropped)."""
        self._record(session, set())

    @staticmethod
    def _relink(session: CallSession, links: set[tuple[Leg, Leg]]) -> None:
        """Stop the links no longer wanted and start the new ones."""
        for src, sink in session.links - links:
            if src.audio is not None and sink.audio is not None:
                with contextlib.suppress(pj.Error):
                    src.audio.stopTransmit(sink.audio)
        for src, sink in links - session.links:
            assert src.audio is not None and sink.audio is not None
            src.audio.startTransmit(sink.audio)
        session.links = links

    def _music(self, session: CallSession, wanted: bool) -> None:
        """Play or stop the music a caller on hold hears."""
        if wanted and session.music is None and session.caller.audio is not None:
            music_class = session.queue.music_class if session.queue else "default"
            try:
                session.music = self.board.music.start(music_class, session.caller.audio)
            except (PromptMissing, pj.Error) as exc:
                log.warning("call %s: no music on hold: %s", session.call_id, exc)
        elif not wanted and session.music is not None:
            self.board.desk.stop_music(session)

    def _intro(self, session: CallSession, wanted: bool, agent: Leg | None) -> None:
        """Play the intro to the caller and the music to the waiting agent, or stop them."""
        intro, caller = session.intro, session.caller.audio
        if intro is None or caller is None:
            return
        if wanted != intro.playing:
            (intro.player.play_to if wanted else intro.player.stop_to)(caller)
            intro.playing = wanted
        if intro.music is not None and intro.music_to is not agent:
            if intro.music_to is not None and intro.music_to.audio is not None:
                intro.music.stop_to(intro.music_to.audio)
            intro.music, intro.music_to = None, None
        if agent is not None and agent.audio is not None and intro.music is None:
            music_class = session.queue.music_class if session.queue else "default"
            try:
                intro.music = self.board.music.start(music_class, agent.audio)
            except (PromptMissing, pj.Error) as exc:
                log.warning("call %s: no music for the agent: %s", session.call_id, exc)
                return
            intro.music_to = agent

    @staticmethod
    def _record(session: CallSession, legs: set[Leg]) -> None:
        """Make the recording take in exactly legs."""
        if session.recorder is None:
            session.recorded = set()
            return
        for leg in session.recorded - legs:
            if leg.audio is not None:
                session.recorder.remove(leg.audio)
        for leg in legs - session.recorded:
            assert leg.audio is not None
            session.recorder.add(leg.audio)
        session.recorded = legs


def _part(session: CallSession, role: str) -> Leg | None:
    """Return the leg playing role if its audio is up and it answered."""
    leg = {
        "caller": session.caller,
        "agent": session.agent_leg,
        "consult": session.consult,
        "third": session.third,
        "supervisor": session.supervisor,
    }[role]
    if leg is None or leg.audio is None or leg.ended:
        return None
    return leg if leg is session.caller or leg.answered_at is not None else None
