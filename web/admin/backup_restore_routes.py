"""Restore from the web (admins only): choose an archive of a target, confirm, follow progress.

The restore itself is `appliance/backup/live_restore.py`, run on a background thread of
the web process: the services are held stopped through the supervisor while the store
is replaced, then started again.  Its progress is read from a file, not the store.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from flask import abort, g, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from appliance.backup import live_restore
from appliance.backup.targets.base import is_archive_name
from appliance.store.models import BackupTarget
from web.admin import audit
from web.admin.backup_forms import AREA
from web.admin.routes import bp
from web.auth.guards import role_required
from web.auth.services import csrf_valid
from web.context import current_settings, current_store
from web.i18n import _

Page = str | Response | tuple[str, int]
STALE_SECONDS = 6 * 3600  # a "running" restore older than this died with its process


def _target(target_id: int) -> BackupTarget:
    """Return the target of the URL (404 if none)."""
    target = BackupTarget.get_or_none(BackupTarget.id == target_id)
    if target is None:
        abort(404)
    return target


def _archive() -> str:
    """Return the archive named in the request (404 unless it is an archive's name)."""
    name = request.values.get("archive", "")
    if not is_archive_name(name):
        abort(404)
    return name


@bp.get("/backups/targets/<int:target_id>/restore")
@role_required("admin")
def backup_restore_form(target_id: int) -> str:
    """Ask for the passphrase and a confirmation before restoring an archive."""
    return _form(_target(target_id), _archive())


@bp.post("/backups/targets/<int:target_id>/restore")
@role_required("admin")
def backup_restore_start(target_id: int) -> Page:
    """Start the restore in the background and show its progress."""
    target, name = _target(target_id), _archive()
    if not csrf_valid(request.form.get("csrf_token")):
        return _form(target, name, _("The form expired. Please try again.")), 400
    passphrase = request.form.get("passphrase", "")
    if request.form.get("confirm") != "on":
        return _form(target, name, _("Tick the box to confirm the restore.")), 400
    if name.endswith(".enc") and not passphrase:
        return _form(target, name, _("This archive is encrypted: give its passphrase.")), 400
    if _running():
        return _form(target, name, _("A restore is already running.")), 409
    audit.record(AREA, f"archive:{name}", "restore_started", None, {"target": target.name})
    args = (current_settings(), current_store(), target, name, passphrase, g.user.username)
    threading.Thread(target=live_restore.restore_from_target, args=args, name="restore",
                     daemon=True).start()  # fmt: skip
    _wait_for_status(name)
    return redirect(url_for("admin.backup_restore_progress"))


def _running() -> bool:
    """Return true while a restore runs (its status file says so and is recent)."""
    state = live_restore.status(current_settings())
    return bool(state and state.get("status") == "running"
                and time.time() - float(state.get("started_at") or 0) < STALE_SECONDS)  # fmt: skip


def _wait_for_status(name: str) -> None:
    """Wait (at most a second) for the new restore's status file, so the page shows it."""
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        state = live_restore.status(current_settings()) or {}
        if state.get("archive") == name and state.get("status") == "running":
            return
        time.sleep(0.02)


@bp.get("/backups/restore")
@role_required("admin")
def backup_restore_progress() -> str:
    """Show the progress of the current (or last) restore."""
    return render_template("admin/backup_restore.html", target=None, archive="",
                           state=live_restore.status(current_settings()))  # fmt: skip


@bp.get("/backups/restore.json")
@role_required("admin")
def backup_restore_status() -> Response:
    """Return the restore's progress (the page polls it)."""
    state = live_restore.status(current_settings())
    if state is None:
        abort(404)
    return jsonify(_progress(state))


def _progress(state: dict[str, Any]) -> dict[str, Any]:
    """Return a restore's state as the progress bar reads it."""
    return {
        "kind": "restore", "status": state.get("status"), "stage": state.get("stage"),
        "progress": state.get("progress", 0.0), "archive": state.get("archive", ""),
        "message": state.get("message", ""), "done": state.get("status") != "running",
    }  # fmt: skip


def _form(target: BackupTarget, archive: str, message: str = "") -> str:
    """Render the restore form of one archive."""
    return render_template("admin/backup_restore.html", target=target, archive=archive,
                           message=message, state=None)  # fmt: skip
