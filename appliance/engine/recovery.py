"""Recover from a crash before the engine takes calls: close cut calls, mend recordings, agents.

`recover` runs on every engine start (a clean stop leaves nothing to do): calls left
open get `call.ended` (outcome interrupted) and a CDR; each of their recording files
(every part) gets its WAV header repaired; agents left busy are put back
(`agent_recovery`).  docs/recovery.md describes it for admins.
"""

from __future__ import annotations

import logging
import struct
import time
from pathlib import Path

from peewee import Database

from appliance.callflow.cdr import derive_cdr
from appliance.engine.agent_recovery import reconcile_agents
from appliance.store.models import CallEvent, Cdr

log = logging.getLogger(__name__)


RECORDING_KINDS = ("recording.started", "recording.resumed")
WAV_HEADER = 44  # bytes of the PCM WAV header pjmedia writes


def recover(database: Database, recordings: Path) -> None:
    """Close the calls and mend the recordings and agents a crash left behind."""
    close_interrupted_calls(database, recordings)
    reconcile_agents(database)


def close_interrupted_calls(database: Database, recordings: Path) -> list[str]:
    """Write `call.ended` (interrupted) and a CDR for every call left open; return their ids."""
    open_ids = [
        row.call_id
        for row in CallEvent.select(CallEvent.call_id).where(
            (CallEvent.kind == "call.started") & CallEvent.call_id.not_in(Cdr.select(Cdr.call_id))
        )
    ]
    for call_id in open_ids:
        with database.atomic():
            _close(call_id, recordings)
    if open_ids:
        log.warning("closed %d call(s) interrupted by an engine stop", len(open_ids))
    return open_ids


def _close(call_id: str, recordings: Path) -> None:
    """Close one interrupted call."""
    events = [
        {"kind": e.kind, "at": e.at, "data": e.data}
        for e in CallEvent.select().where(CallEvent.call_id == call_id).order_by(CallEvent.id)
    ]
    ended = {
        "call_id": call_id,
        "at": time.time(),
        "kind": "call.ended",
        "leg": "",
        "data": {"by": "system", "reason": "engine restarted", "outcome": "interrupted"},
    }
    CallEvent.insert(**ended).execute()
    cdr = derive_cdr(call_id, [*events, ended])
    for event in events:  # every part: a full disk may have split the recording
        if event["kind"] in RECORDING_KINDS and event["data"].get("file"):
            repair_wav_header(recordings / event["data"]["file"])
    Cdr.insert(**cdr).on_conflict_replace().execute()


def repair_wav_header(path: Path) -> bool:
    """Fix the RIFF and data sizes of a WAV whose writer was killed; return true if changed.

    pjmedia's WAV writer fills the sizes only on a clean close (DESIGN §5), so a
    recording cut by kill -9 has zero lengths and players show it as empty.
    """
    try:
        with path.open("r+b") as f:
            header = f.read(44)
            if len(header) < 44 or header[:4] != b"RIFF" or header[36:40] != b"data":
                return False
            size = path.stat().st_size
            riff, data = size - 8, size - 44
            if (
                struct.unpack("<I", header[4:8])[0] == riff
                and struct.unpack("<I", header[40:44])[0] == data
            ):
                return False
            f.seek(4)
            f.write(struct.pack("<I", riff))
            f.seek(40)
            f.write(struct.pack("<I", data))
            return True
    except OSError as exc:
        log.warning("cannot repair %s: %s", path, exc)
        return False


def mend_recording(path: Path) -> None:
    """Make a closed recording a valid WAV: fix its sizes, or remove it if it has no header.

    On a disk that filled up, pjmedia's buffered writes fail: the file may end short of
    its sizes, or (opened on a full disk) hold nothing at all, not even the header.
    """
    try:
        size = path.stat().st_size
    except OSError:
        return
    if size < WAV_HEADER:
        log.warning("recording %s has no audio (%d bytes; disk full?): removed", path, size)
        path.unlink(missing_ok=True)
    elif repair_wav_header(path):
        log.warning("recording %s was closed with wrong sizes (disk full?): repaired", path)
