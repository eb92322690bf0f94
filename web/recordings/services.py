"""Finding a call's recording on disk, never outside the recordings folder."""

from __future__ import annotations

from pathlib import Path

from appliance.store.models import Cdr, User
from web.exceptions import NotFound
from web.i18n import _


def recording_path(recordings_dir: str, call_id: str, user: User) -> Path:
    """Return the WAV file of call_id's recording, or raise NotFound.

    Supervisors and admins hear every call; an agent only the calls they answered
    (another's are "not found", so their existence is not told either).
    """
    cdr = Cdr.get_or_none(Cdr.call_id == call_id)
    if cdr is None or not cdr.recording:
        raise NotFound(_("This call has no recording."))
    if user.role == "agent" and (not user.extension or cdr.agent != user.extension):
        raise NotFound(_("This call has no recording."))
    path = contained(Path(recordings_dir), cdr.recording)
    if path is None or not path.is_file():
        raise NotFound(_("This call has no recording."))
    return path


def contained(root: Path, relative: str) -> Path | None:
    """Return root/relative resolved, or None if it leads outside root."""
    # resolve() follows `..` and symbolic links, so neither can lead out of root;
    # an absolute `relative` replaces root in the join and is refused the same way.
    base = root.resolve()
    target = (base / relative).resolve()
    return target if target.is_relative_to(base) and target != base else None
