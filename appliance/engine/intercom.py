"""Intercom to one extension (`*80<ext>`): ring it with a request to answer by itself.

The call is an ordinary call between extensions (caller's name, events, CDR with
direction `internal`) whose INVITE also carries the headers desk phones take as
"answer at once, on the speaker" — whether they obey is the phone's setting (most
have an "accept intercom" / auto-answer option):

    Call-Info: <sip:DOMAIN>;answer-after=0          (Snom, Yealink, Grandstream, Cisco)
    Alert-Info: <http://127.0.0.1/>;info=alert-autoanswer;delay=0   (Yealink, Grandstream)

The callee's forwards do not apply: a phone in a call, in DND or not registered
gets no intercom (486 / 480), and one that does not answer within
`RING_SECONDS` ends the call (480).  Runs on the engine thread.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from appliance.engine.legs import Leg
from appliance.engine.session import CallSession, new_call_id

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

RING_SECONDS = 20
ALERT_INFO = "<http://127.0.0.1/>;info=alert-autoanswer;delay=0"


def auto_answer_headers(domain: str) -> dict[str, str]:
    """Return the headers that ask a phone to answer by itself."""
    return {"Call-Info": f"<sip:{domain}>;answer-after=0", "Alert-Info": ALERT_INFO}


class Intercom:
    """Intercom calls of one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board

    def call(self, leg: Leg, extension: str, target: str) -> None:
        """Turn a phone's `*80<ext>` call into an auto-answer call to ext (404: no such ext)."""
        if target == extension or target not in self.board.acd.agents:
            leg.end(404, "No such extension")
            return
        session = CallSession(
            new_call_id(), leg, extension, target, "internal", started_at=time.time()
        )
        leg.call_id = session.call_id
        self.board.sessions[session.call_id] = session
        data = {"from": extension, "to": target, "direction": "internal", "via": "intercom"}
        self.board.emit(session, "call.started", data, leg.leg_id)
        self.board.engage(extension, session.call_id)
        headers = auto_answer_headers(self.board.settings.sip.domain)
        self.board.extensions.ring_only(session, target, RING_SECONDS, headers)
