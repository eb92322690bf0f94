"""The backups page: targets, schedules, "Back up now" with its progress, the run log, in
English and Chinese, on a real store and a real folder target."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from helpers_i18n import assert_translated
from helpers_reports import as_role
from helpers_web import PASSWORD, csrf_from, login
from sshd_support import sshd
from werkzeug.test import TestResponse

from appliance.backup import reader, retention, secrets
from appliance.config import Settings
from appliance.store.models import Agent, AuditEntry, BackupRun, BackupSchedule, BackupTarget, User
from web.auth.services import hash_password

__all__ = ["sshd"]  # the fixture
SCHEDULE = {"name": "nightly", "frequency": "daily", "at": "02:00", "weekday": "0",
            "day_of_month": "1", "keep": "7", "enabled": "on"}  # fmt: skip


@pytest.fixture
def admin(client: FlaskClient) -> FlaskClient:
    return as_role(client, "admin")


def post(client: FlaskClient, path: str, form: dict[str, str]) -> TestResponse:
    """Post form as the backups pages would (with their CSRF token)."""
    token = csrf_from(client.get("/admin/backups/targets/new").get_data(as_text=True))
    return client.post(path, data={**form, "csrf_token": token})


def add_folder_target(client: FlaskClient, folder: Path) -> BackupTarget:
    """Create a folder target through the form."""
    response = post(client, "/admin/backups/targets/new", {"name": "disk", "kind": "local",
                                                           "folder": str(folder)})  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    return BackupTarget.get(BackupTarget.name == "disk")


def wait_done(client: FlaskClient, run_id: int) -> dict[str, Any]:
    """Poll a run's progress until it ends (at most 15 s); return its last state."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        state: dict[str, Any] = client.get(f"/admin/backups/runs/{run_id}.json").get_json()
        if state["done"]:
            return state
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} still running after 15 s: {state}")


def test_back_up_now_runs_in_the_background_and_the_log_shows_it(
    admin: FlaskClient, settings: Settings, tmp_path: Path
) -> None:
    target = add_folder_target(admin, tmp_path / "archives")
    response = post(admin, "/admin/backups/schedules/new", {**SCHEDULE, "target": str(target.id)})
    assert response.status_code == 302
    schedule = BackupSchedule.get()
    started = post(admin, f"/admin/backups/schedules/{schedule.id}/run", {"what": "backup"})
    assert started.status_code == 302 and "?run=" in started.location
    run_id = int(started.location.rsplit("=", 1)[1])
    page = admin.get(started.location).get_data(as_text=True)
    assert f"/admin/backups/runs/{run_id}.json" in page and "<progress" in page
    state = wait_done(admin, run_id)
    assert (state["status"], state["stage"], state["progress"]) == ("ok", "done", 1.0), state
    (archive,) = retention.archives(tmp_path / "archives")
    assert state["archive"] == archive.name and state["size"] == archive.stat().st_size
    assert reader.verify(archive).integrity == "ok"
    verify = post(admin, f"/admin/backups/schedules/{schedule.id}/run", {"what": "verify"})
    checked = wait_done(admin, int(verify.location.rsplit("=", 1)[1]))
    assert checked["status"] == "ok" and "integrity ok" in checked["message"]
    log = admin.get("/admin/backups").get_data(as_text=True)
    assert archive.name in log and "Every sum matches" in log
    entries = AuditEntry.select().where(AuditEntry.area == "backups").order_by(AuditEntry.id)
    assert [(e.object_key, e.action) for e in entries] == [
        ("target:disk", "create"), ("schedule:nightly", "create"),
        ("schedule:nightly", "backup_now"), ("schedule:nightly", "verify_now"),
    ]  # fmt: skip
    listed = admin.get(f"/admin/backups/targets/{target.id}?archives=1").get_data(as_text=True)
    assert archive.name in listed


@pytest.mark.parametrize(
    ("form", "field_message"),
    [
        ({"kind": "local", "folder": "relative/path"}, "Give an absolute path, starting with /."),
        ({"kind": "local", "folder": ""}, "This kind of target needs this field."),
        ({"kind": "usb", "label": "bad label!"}, "Letters, digits, dot, dash or underscore"),
        (
            {"kind": "sftp", "host": "127.0.0.1", "username": "u", "folder": "/b"},
            "This kind of target needs this field.",
        ),
        ({"kind": "tape"}, "Choose one of: local, sftp, usb."),
    ],
)
def test_a_bad_target_form_is_refused_field_by_field(
    admin: FlaskClient, form: dict[str, str], field_message: str
) -> None:
    response = post(admin, "/admin/backups/targets/new", {"name": "t", **form})
    assert response.status_code == 400
    assert field_message in response.get_data(as_text=True)
    assert not BackupTarget.select().exists()


def test_test_connection_says_what_works_and_what_does_not(
    admin: FlaskClient, tmp_path: Path
) -> None:
    target = add_folder_target(admin, tmp_path / "archives")
    works = post(admin, f"/admin/backups/targets/{target.id}", {"action": "test"})
    assert works.status_code == 200
    assert "The target works: 0 archive(s) at the local target" in works.get_data(as_text=True)
    usb = post(admin, "/admin/backups/targets/new", {"name": "usb", "kind": "usb",
                                                    "label": "NOSUCHDISK"})  # fmt: skip
    assert usb.status_code == 302
    usb_id = BackupTarget.get(BackupTarget.name == "usb").id
    absent = post(admin, f"/admin/backups/targets/{usb_id}", {"action": "test"})
    assert absent.status_code == 502
    assert "no disk labelled &#39;NOSUCHDISK&#39; is plugged in" in absent.get_data(as_text=True)


def test_secrets_go_to_the_root_only_file_not_the_store_or_the_log(
    admin: FlaskClient, settings: Settings, tmp_path: Path
) -> None:
    form = {"name": "nas", "kind": "sftp", "host": "127.0.0.1", "port": "2222",
            "username": "cb", "folder": "/backups", "host_key": "ssh-ed25519 AAAA",
            "password": "sftp-secret-1"}  # fmt: skip
    assert post(admin, "/admin/backups/targets/new", form).status_code == 302
    target = BackupTarget.get()
    assert "sftp-secret-1" not in json.dumps(target.options)
    assert secrets.get(settings, "targets", target.id) == {"password": "sftp-secret-1"}
    encrypt = {**SCHEDULE, "target": str(target.id), "encrypt": "on"}
    refused = post(admin, "/admin/backups/schedules/new", encrypt)
    assert refused.status_code == 400 and "Give a passphrase to encrypt with." in refused.get_data(
        as_text=True)  # fmt: skip
    assert post(admin, "/admin/backups/schedules/new",
                {**encrypt, "passphrase": "words to keep"}).status_code == 302  # fmt: skip
    schedule = BackupSchedule.get()
    assert secrets.get(settings, "schedules", schedule.id) == {"passphrase": "words to keep"}
    kept = post(admin, f"/admin/backups/schedules/{schedule.id}", {**encrypt, "keep": "9"})
    assert kept.status_code == 302 and BackupSchedule.get().keep == 9  # the passphrase stays
    logged = json.dumps([[e.before, e.after] for e in AuditEntry.select()])
    assert "sftp-secret-1" not in logged and "words to keep" not in logged
    assert '"password": "********"' in logged  # that one was set, never what


def test_a_target_in_use_is_not_deleted(admin: FlaskClient, tmp_path: Path) -> None:
    target = add_folder_target(admin, tmp_path / "archives")
    post(admin, "/admin/backups/schedules/new", {**SCHEDULE, "target": str(target.id)})
    refused = post(admin, f"/admin/backups/targets/{target.id}/delete", {})
    assert refused.status_code == 409
    assert "Used by the schedules nightly" in refused.get_data(as_text=True)
    schedule = BackupSchedule.get()
    post(admin, f"/admin/backups/schedules/{schedule.id}/delete", {})
    assert post(admin, f"/admin/backups/targets/{target.id}/delete", {}).status_code == 302
    assert not BackupTarget.select().exists()


def test_an_expired_form_changes_nothing_and_starts_nothing(
    admin: FlaskClient, tmp_path: Path
) -> None:
    target = add_folder_target(admin, tmp_path / "archives")
    post(admin, "/admin/backups/schedules/new", {**SCHEDULE, "target": str(target.id)})
    schedule = BackupSchedule.get()
    stale = admin.post(f"/admin/backups/schedules/{schedule.id}/run", data={"csrf_token": "old"})
    assert stale.status_code == 400 and not BackupRun.select().exists()
    nothing = post(admin, f"/admin/backups/schedules/{schedule.id}/run", {"what": "verify"})
    assert "made no archive yet" in admin.get(nothing.location).get_data(as_text=True)
    assert not BackupRun.select().exists()


@pytest.mark.parametrize("role", ["supervisor", "agent"])
def test_only_admins_reach_the_backups(client: FlaskClient, role: str) -> None:
    User.create(username="boss", password_hash=hash_password(PASSWORD), role="admin")
    as_role(client, role)
    assert client.get("/admin/backups").status_code == 403
    assert client.get("/admin/backups/runs/1.json").status_code == 403


def test_the_backups_pages_in_chinese_have_no_english_left(
    client: FlaskClient, tmp_path: Path
) -> None:
    User.create(username="owner", password_hash=hash_password(PASSWORD), role="admin",
                language="zh_CN")  # fmt: skip
    assert login(client, "owner", PASSWORD).status_code == 302
    target = add_folder_target(client, tmp_path / "archives")
    form = {**SCHEDULE, "target": str(target.id), "recordings": "on", "incremental": "on"}
    post(client, "/admin/backups/schedules/new", form)
    schedule = BackupSchedule.get()
    started = post(client, f"/admin/backups/schedules/{schedule.id}/run", {"what": "backup"})
    run_id = int(started.location.rsplit("=", 1)[1])
    wait_done(client, run_id)
    allowed = ["owner", "disk", "nightly", str(tmp_path / "archives"), "HH:MM", "SFTP", "USB",
               "IVR", "callbox backup restore /path/to/callbox-YYYYMMDD-HHMMSS.tar",
               "callbox-backups", "root"]  # fmt: skip
    archive = BackupRun.get().archive
    for path in ("/admin/backups", f"/admin/backups?run={run_id}", "/admin/backups/targets/new",
                 f"/admin/backups/targets/{target.id}/restore?archive={archive}",
                 f"/admin/backups/targets/{target.id}/restore?archive={archive}.enc",
                 f"/admin/backups/targets/{target.id}?archives=1", "/admin/backups/schedules/new",
                 f"/admin/backups/schedules/{schedule.id}"):  # fmt: skip
        page = client.get(path)
        assert page.status_code == 200, path
        html = page.get_data(as_text=True)
        assert_translated(html, allowed=[*allowed, archive, f"{archive}.enc"])


def backed_up_on_disk(client: FlaskClient, tmp_path: Path) -> tuple[BackupTarget, str]:
    """Back up a store holding agent 1001 to a folder target; then change the store."""
    Agent.create(extension="1001", name="Li Lei", sip_password="x" * 12)
    target = add_folder_target(client, tmp_path / "archives")
    post(client, "/admin/backups/schedules/new", {**SCHEDULE, "target": str(target.id)})
    started = post(client, f"/admin/backups/schedules/{BackupSchedule.get().id}/run",
                   {"what": "backup"})  # fmt: skip
    state = wait_done(client, int(started.location.rsplit("=", 1)[1]))
    Agent.delete().execute()
    Agent.create(extension="1002", name="Han Mei", sip_password="y" * 12)
    return target, state["archive"]


def wait_restored(client: FlaskClient) -> dict[str, Any]:
    """Poll the restore's progress until it ends (at most 15 s)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        state: dict[str, Any] = client.get("/admin/backups/restore.json").get_json()
        if state["done"]:
            return state
        time.sleep(0.1)
    raise AssertionError(f"the restore still runs after 15 s: {state}")


def test_a_restore_from_the_web_puts_the_archive_back(
    admin: FlaskClient, settings: Settings, tmp_path: Path
) -> None:
    target, name = backed_up_on_disk(admin, tmp_path)
    listed = admin.get(f"/admin/backups/targets/{target.id}?archives=1").get_data(as_text=True)
    form_url = f"/admin/backups/targets/{target.id}/restore?archive={name}"
    assert form_url in listed
    page = admin.get(form_url).get_data(as_text=True)
    assert "A safety backup of what is here is taken first." in page
    unconfirmed = post(admin, f"/admin/backups/targets/{target.id}/restore", {"archive": name})
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm the restore." in unconfirmed.get_data(as_text=True)
    assert admin.get("/admin/backups/restore.json").status_code == 404  # nothing started
    started = post(admin, f"/admin/backups/targets/{target.id}/restore",
                   {"archive": name, "confirm": "on"})  # fmt: skip
    assert started.status_code == 302 and started.location.endswith("/admin/backups/restore")
    assert "/admin/backups/restore.json" in admin.get(started.location).get_data(as_text=True)
    state = wait_restored(admin)
    assert state["status"] == "ok" and state["message"].startswith(f"restored 1 files from {name}")
    assert [a.extension for a in Agent.select()] == ["1001"]
    assert BackupRun.get(BackupRun.kind == "restore").archive == name
    assert AuditEntry.get(AuditEntry.action == "restore").object_key == f"archive:{name}"


def test_a_restore_refuses_a_bad_name_and_a_missing_passphrase(
    admin: FlaskClient, tmp_path: Path
) -> None:
    target = add_folder_target(admin, tmp_path / "archives")
    base = f"/admin/backups/targets/{target.id}/restore"
    assert admin.get(f"{base}?archive=../../etc/passwd").status_code == 404
    encrypted = "callbox-20261128-010000.tar.enc"
    refused = post(admin, base, {"archive": encrypted, "confirm": "on"})
    assert refused.status_code == 400
    assert "This archive is encrypted: give its passphrase." in refused.get_data(as_text=True)
    missing = post(admin, base, {"archive": "callbox-20261128-010000.tar", "confirm": "on"})
    assert missing.status_code == 302
    state = wait_restored(admin)
    assert state["status"] == "failed" and "no archive callbox-20261128-010000.tar" in state[
        "message"]  # fmt: skip


def test_an_sftp_target_reads_the_host_key_to_compare_then_works(
    admin: FlaskClient, sshd: dict[str, str]
) -> None:
    form = {"name": "nas", "kind": "sftp", "host": "127.0.0.1", "port": sshd["port"],
            "username": "root", "folder": sshd["folder"], "key_file": sshd["key_file"],
            "host_key": " ".join(sshd["rsa_key"].split()[:2])}  # fmt: skip
    assert post(admin, "/admin/backups/targets/new", form).status_code == 302
    target = BackupTarget.get()
    wrong = post(admin, f"/admin/backups/targets/{target.id}", {"action": "test"})
    assert wrong.status_code == 502 and "shows a different host key" in wrong.get_data(
        as_text=True)  # fmt: skip
    read = post(admin, f"/admin/backups/targets/{target.id}", {"action": "hostkey"})
    page = read.get_data(as_text=True)
    assert read.status_code == 200 and "The server shows the key SHA256:" in page
    assert sshd["host_key"] in page  # put in the form, not stored until saved
    assert BackupTarget.get().options["host_key"] != sshd["host_key"]
    saved = post(admin, f"/admin/backups/targets/{target.id}",
                 {**form, "host_key": sshd["host_key"]})  # fmt: skip
    assert saved.status_code == 302
    works = post(admin, f"/admin/backups/targets/{target.id}", {"action": "test"})
    assert "The target works: 0 archive(s) at the sftp target" in works.get_data(as_text=True)
