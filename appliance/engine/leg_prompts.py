"""Say a few prompts to one leg that is not a call's caller (the slot to a parking phone).

The players are kept until each ends (timed from the WAV header, DESIGN §5) and
dropped when the next starts or the library closes.  A missing prompt is skipped
and logged.  Runs on the engine thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from appliance.engine.legs import Leg
from appliance.engine.media import UNPLAYABLE, Player

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)


class LegPrompts:
    """Prompt sequences playing to single legs, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self._playing: dict[str, Player] = {}  # leg id -> the prompt it hears now

    def say(self, leg: Leg, names: list[str], then: Callable[[], None]) -> None:
        """Play the prompts named to leg one after another, then call then()."""
        paths = []
        for name in names:
            try:
                paths.append(self.board.prompts.path(name, self.board.settings.language))
            except UNPLAYABLE as exc:
                log.error("prompt %r skipped for %s: %s", name, leg.leg_id, exc)
        self._next(leg, paths, then)

    def _next(self, leg: Leg, paths: list[Path], then: Callable[[], None]) -> None:
        """Stop the prompt playing to leg and start the next one (or call then())."""
        done = self._playing.pop(leg.leg_id, None)
        if done is not None and leg.audio is not None:
            done.stop_to(leg.audio)
        if not paths or leg.ended or leg.audio is None:
            then()
            return
        try:
            player = Player(paths[0])
        except UNPLAYABLE as exc:
            log.error("prompt %s not played to %s: %s", paths[0], leg.leg_id, exc)
            self._next(leg, paths[1:], then)
            return
        player.play_to(leg.audio)
        self._playing[leg.leg_id] = player
        self.board.reactor.call_later(player.seconds, lambda: self._next(leg, paths[1:], then))

    def close(self) -> None:
        """Drop every player (before the library is destroyed)."""
        self._playing.clear()
