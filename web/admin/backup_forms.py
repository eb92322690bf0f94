"""The backup target and schedule forms: their fields, and saving one with an audit entry.

Secrets typed in a form (an SFTP password, an archive passphrase) go to the root-only
secrets file (appliance/backup/secrets.py), never to the store or the audit log; an
empty secret field keeps the one set before.
"""

from __future__ import annotations

import re
import time
from typing import Any

from appliance.backup import chains, secrets
from appliance.backup.targets import discover
from appliance.config import Settings
from appliance.store.database import db
from appliance.store.models import BackupSchedule, BackupTarget
from web.admin import audit
from web.admin.schemas import Field, FieldError, FormResult
from web.i18n import _
from web.i18n import lazy_gettext as _l
from web.reports.schedule_form import timing_fields

AREA = "backups"  # the audit log's area
LABEL = re.compile(r"^[A-Za-z0-9_.-]{1,16}$")
KINDS = {"local": _l("A folder of this box"), "usb": _l("A USB disk (by its label)"),
         "sftp": _l("An SFTP server")}  # fmt: skip
TARGET_OPTIONS = ("folder", "label", "host", "port", "username", "host_key", "key_file")
NEEDED = {"local": ("folder",), "usb": ("label",), "sftp": ("host", "username", "folder",
                                                             "host_key")}  # fmt: skip
SCHEDULE_COLUMNS = ("name", "frequency", "at", "weekday", "day_of_month", "recordings",
                    "incremental", "encrypt", "keep", "enabled")  # fmt: skip


def target_fields() -> list[Field]:
    """Return the target form's fields (each kind reads its own)."""
    return [
        Field("name", _l("Name"), required=True),
        Field("kind", _l("Kind"), "choice", required=True,
              choices=lambda: [(k, KINDS.get(k, k)) for k in discover()]),
        Field("folder", _l("Folder"), max_length=255,
              help=_l("This box: an absolute path. USB disk: a folder on the disk "
                      "(callbox-backups if empty). SFTP: the folder on the server.")),
        Field("label", _l("Disk label (USB)"), pattern=LABEL,
              pattern_message=_l("Letters, digits, dot, dash or underscore; at most 16.")),
        Field("host", _l("Server (SFTP)"), max_length=255),
        Field("port", _l("Port (SFTP)"), "int", minimum=1, maximum=65535, blank_none=True),
        Field("username", _l("User name (SFTP)")),
        Field("host_key", _l("Server host key (SFTP)"), "textarea", max_length=4000,
              help=_l("The server's public host key; compare its fingerprint with the "
                      "server's before saving. A server showing another key is refused.")),
        Field("key_file", _l("Private key file (SFTP)"), max_length=255,
              help=_l("A key file on this box readable by callbox; or set a password.")),
        Field("password", _l("Password (SFTP)"), "password", max_length=255,
              help=_l("Kept in a root-only file, not in the database. "
                      "Empty keeps the current one.")),
    ]  # fmt: skip


def check_target(result: FormResult) -> None:
    """Add an error for each option the chosen kind needs and lacks."""
    values = result.values
    for name in NEEDED.get(values.get("kind", ""), ()):
        if not values.get(name):
            result.errors[name] = _("This kind of target needs this field.")
    if values.get("kind") == "local" and values.get("folder", "").strip()[:1] not in ("/", ""):
        result.errors["folder"] = _("Give an absolute path, starting with /.")


def target_initial(target: BackupTarget | None) -> dict[str, str]:
    """Return the form's text for a target (a new one: a folder of this box)."""
    if target is None:
        return {"kind": "local"}
    options = dict(target.options or {})
    return {"name": target.name, "kind": target.kind,
            **{k: str(options.get(k) or "") for k in TARGET_OPTIONS}}  # fmt: skip


def describe_target(target: BackupTarget) -> dict[str, Any]:
    """Return a target's settings as the audit log keeps them (no secret)."""
    return {"name": target.name, "kind": target.kind, **dict(target.options or {})}


def save_target(
    settings: Settings, target: BackupTarget | None, values: dict[str, Any]
) -> BackupTarget:
    """Create or update a target from the form's values; keep its password apart; audit it."""
    before = describe_target(target) if target is not None else None
    options = {k: values[k] for k in TARGET_OPTIONS if values.get(k) not in (None, "")}
    with db.atomic():
        if target is None:
            target = BackupTarget.create(name=values["name"], kind=values["kind"],
                                         options=options, created_at=time.time())  # fmt: skip
        else:
            target.name, target.kind, target.options = values["name"], values["kind"], options
            target.save()
    if values.get("password"):
        secrets.put(settings, "targets", target.id, {"password": values["password"]})
    after = describe_target(target)
    if values.get("password"):
        after["password"] = "set"  # the audit log masks it: says it changed, never what
    audit.record(AREA, f"target:{target.name}", "update" if before else "create", before, after)
    return target


def delete_target(settings: Settings, target: BackupTarget) -> None:
    """Delete a target no schedule uses; raise FieldError naming the schedules that do."""
    users = [s.name for s in BackupSchedule.select().where(BackupSchedule.target == target)]
    if users:
        raise FieldError(_("Used by the schedules %(names)s: change or delete them first.",
                           names=", ".join(users)))  # fmt: skip
    before = describe_target(target)
    target.delete_instance()
    secrets.forget(settings, "targets", target.id)
    audit.record(AREA, f"target:{target.name}", "delete", before, None)


def schedule_fields() -> list[Field]:
    """Return the schedule form's fields."""

    def targets() -> list[tuple[str, Any]]:
        return [(str(t.id), t.name) for t in BackupTarget.select().order_by(BackupTarget.name)]

    return [
        Field("name", _l("Name"), required=True),
        Field("target", _l("Target"), "choice", required=True, choices=targets),
        *timing_fields(_l("Made")),
        Field("recordings", _l("Include call recordings"), "bool"),
        Field("incremental", _l("Recordings incremental (only new ones; a full archive every 7)"),
              "bool"),
        Field("encrypt", _l("Encrypt with a passphrase"), "bool"),
        Field("passphrase", _l("Passphrase"), "password", max_length=255,
              help=_l("Keep it somewhere safe: without it the archives cannot be restored. "
                      "Empty keeps the current one.")),
        Field("keep", _l("Archives kept"), "int", required=True, minimum=2, maximum=365,
              help=_l("The newest ones; never fewer than two full archives.")),
        Field("enabled", _l("Enabled"), "bool"),
    ]  # fmt: skip


def schedule_initial(schedule: BackupSchedule | None) -> dict[str, str]:
    """Return the form's text for a schedule (a new one: daily at 02:00, keep 7)."""
    if schedule is None:
        return {"frequency": "daily", "at": "02:00", "weekday": "0", "day_of_month": "1",
                "incremental": "on", "keep": "7", "enabled": "on"}  # fmt: skip
    values = describe_schedule(schedule)
    for name in ("recordings", "incremental", "encrypt", "enabled"):
        values[name] = "on" if values[name] else ""
    values["target"] = str(schedule.target.id)
    return {k: str(v) for k, v in values.items()}


def describe_schedule(schedule: BackupSchedule) -> dict[str, Any]:
    """Return a schedule's settings as the audit log keeps them (no secret)."""
    return {**{n: getattr(schedule, n) for n in SCHEDULE_COLUMNS}, "target": schedule.target.name}


def check_schedule(settings: Settings, result: FormResult, schedule: BackupSchedule | None) -> None:
    """Refuse encryption without a passphrase (typed now or set before)."""
    if result.values.get("encrypt") and not result.values.get("passphrase"):
        known = schedule is not None and secrets.get(settings, "schedules", schedule.id)
        if not known:
            result.errors["passphrase"] = _("Give a passphrase to encrypt with.")


def save_schedule(
    settings: Settings, schedule: BackupSchedule | None, values: dict[str, Any]
) -> BackupSchedule:
    """Create or update a schedule from the form's values; keep its passphrase apart; audit it."""
    before = describe_schedule(schedule) if schedule is not None else None
    columns = {n: values[n] for n in SCHEDULE_COLUMNS}
    columns.update(target=int(values["target"]), weekday=int(values.get("weekday") or 0),
                   day_of_month=int(values.get("day_of_month") or 1))  # fmt: skip
    with db.atomic():
        if schedule is None:
            schedule = BackupSchedule.create(created_at=time.time(), **columns)
        else:
            for name, value in columns.items():
                setattr(schedule, name, value)
            schedule.save()
    if values.get("passphrase"):
        secrets.put(settings, "schedules", schedule.id, {"passphrase": values["passphrase"]})
    schedule = BackupSchedule.get_by_id(schedule.id)
    after = describe_schedule(schedule)
    if values.get("passphrase"):
        after["password"] = "set"  # masked by the audit log
    audit.record(AREA, f"schedule:{schedule.name}", "update" if before else "create", before,
                 after)  # fmt: skip
    return schedule


def delete_schedule(settings: Settings, schedule: BackupSchedule) -> None:
    """Delete a schedule (its runs stay in the log, its archives on the target); audit it."""
    before = describe_schedule(schedule)
    schedule.delete_instance()
    secrets.forget(settings, "schedules", schedule.id)
    chains.forget(settings, schedule.id)
    audit.record(AREA, f"schedule:{schedule.name}", "delete", before, None)


def name_taken(model: type[BackupTarget] | type[BackupSchedule], name: str, obj: Any) -> bool:
    """Return true when another target (or schedule) has this name."""
    query = model.select().where(model.name == name)
    if obj is not None:
        query = query.where(model.id != obj.id)
    return bool(query.exists())
