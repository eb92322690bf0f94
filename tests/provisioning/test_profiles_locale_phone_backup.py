"""The profile's locale, taking a desk phone off, and the backup target: applied, shown in the
diff, and empty on re-apply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from peewee import Database
from profile_support import edited, example_text, line_of

from appliance.backup import manager as backups
from appliance.config import Settings, load
from appliance.store.models import Agent, BackupSchedule, BackupTarget, User
from provisioning.profiles import locale, manager
from provisioning.profiles.exceptions import ProfileError
from provisioning.profiles.validate import ProfileInvalid

LOCALE = "\nlocale:\n  timezone: Asia/Shanghai\n  language: zh_CN\n"


def plan_of(text: str, settings: Settings) -> manager.Plan:
    """Return the plan of the profile in text."""
    return manager.plan(manager.parse(text, "unit.yml"), settings)


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point CALLBOX_CONFIG at a box config in a temporary folder (no conf.d yet)."""
    folder = tmp_path / "etc"
    folder.mkdir()
    path = folder / "callbox.yml"
    path.write_text(f"paths:\n  var: {tmp_path / 'var'}\n")
    monkeypatch.setenv("CALLBOX_CONFIG", str(path))
    return path


def test_the_locale_becomes_the_boxs_settings(
    settings: Settings, store: Database, config_file: Path
) -> None:
    text = example_text() + LOCALE
    result = plan_of(text, settings)
    assert "+ locale box: timezone 'Asia/Shanghai'; language 'zh_CN'" in result.lines()
    assert any(line.startswith("+ admin admin:") and "language 'zh_CN'" in line
               for line in result.lines())  # fmt: skip
    assert manager.apply(result, settings).endswith(manager.RESTART_NOTE)
    box = load(env={"CALLBOX_CONFIG": str(config_file)})
    assert (box.timezone, box.language) == ("Asia/Shanghai", "zh_CN")
    assert User.get(User.username == "admin").language == "zh_CN"
    assert plan_of(text, box).empty
    # A choice made on the box (the wizard's file, after ours) wins and is not undone.
    (config_file.parent / "conf.d" / "50-setup.yml").write_text("language: en\n")
    assert load(env={"CALLBOX_CONFIG": str(config_file)}).language == "en"
    assert plan_of(text, box).empty
    changed = plan_of(example_text() + LOCALE.replace("zh_CN", "en"), box)
    assert "~ locale box: language 'zh_CN' → 'en'" in changed.lines()


def test_a_locale_that_cannot_be_written_is_refused_before_anything_is_applied(
    settings: Settings, store: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CALLBOX_CONFIG", str(tmp_path / "absent" / "callbox.yml"))
    text = example_text() + LOCALE
    with pytest.raises(ProfileError, match="locale: cannot be applied") as caught:
        plan_of(text, settings)
    assert caught.value.line == line_of(text, "timezone: Asia/Shanghai\n  language")
    assert Agent.select().count() == 0 and not locale.locale_path().exists()


@pytest.mark.parametrize(
    ("extra", "fragment", "words"),
    [
        ("\nlocale:\n  timezone: Asia/Shangai\n", "Asia/Shangai", "not a known time zone"),
        ("\nlocale:\n  language: fr\n", "language: fr", "'fr' is not one of"),
    ],
)
def test_a_bad_locale_is_refused_with_its_line(
    extra: str, fragment: str, words: str, settings: Settings, store: Database
) -> None:
    text = example_text() + extra
    with pytest.raises(ProfileInvalid) as caught:
        manager.parse(text, "unit.yml")
    assert caught.value.line == line_of(text, fragment) and words in str(caught.value)


def test_a_profile_takes_a_phone_off_null_or_absent(settings: Settings, store: Database) -> None:
    manager.apply(plan_of(example_text(), settings), settings)
    alice = '    phone: {mac: "80:5E:C0:12:34:56", vendor: yealink, model: T54W}'
    bob = '    phone: {mac: "00:0B:82:12:34:57", vendor: grandstream, model: GXP2170}\n'
    text = edited(bob, "", edited(alice, "    phone: null"))
    result = plan_of(text, settings)
    assert result.lines() == [
        "~ agent 1001: phone_mac '805ec0123456' → ''; phone_vendor 'yealink' → ''; "
        "phone_model 'T54W' → ''",
        "~ agent 1002: phone_mac '000b82123457' → ''; phone_vendor 'grandstream' → ''; "
        "phone_model 'GXP2170' → ''",
    ]
    manager.apply(result, settings)
    for extension in ("1001", "1002"):
        agent = Agent.get(Agent.extension == extension)
        assert (agent.phone_mac, agent.phone_vendor, agent.phone_model) == ("", "", "")
    assert Agent.get(Agent.extension == "1003").phone_mac == "0c383e123458"  # kept
    assert plan_of(text, settings).empty
    # The MAC taken off is free: the box's own agent may have it, and re-applying agrees.
    Agent.create(extension="2001", name="Desk", sip_password="y" * 12, phone_mac="805ec0123456",
                 phone_vendor="yealink")  # fmt: skip
    assert plan_of(text, settings).empty
    with pytest.raises(ProfileError, match="is the phone of agent 2001"):
        plan_of(example_text(), settings)  # the old profile would give it back to 1001


def test_the_backup_section_is_the_boxs_backup_target_and_schedule(
    settings: Settings, store: Database
) -> None:
    manager.apply(plan_of(example_text(), settings), settings)
    target = BackupTarget.get(BackupTarget.name == "profile")
    assert (target.kind, target.options) == ("usb", {"label": "CALLBOX-BAK"})
    schedule = BackupSchedule.get(BackupSchedule.name == "profile")
    assert (schedule.target.id, schedule.frequency, schedule.at, schedule.keep) == (
        target.id, "daily", "02:30", 14)  # fmt: skip
    # The scheduler's backup job finds it due after 02:30 tomorrow, not before.
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    assert not [s.name for s in backups.due(tomorrow.replace(hour=2).timestamp(), "UTC")]
    due = backups.due(tomorrow.replace(hour=3).timestamp(), "UTC")
    assert [s.name for s in due] == ["profile"]
    assert plan_of(example_text(), settings).empty
    text = edited("keep: 14", "keep: 30\n  frequency: weekly\n  weekday: 6")
    result = plan_of(text, settings)
    assert result.lines() == [
        "~ backup profile: frequency 'daily' → 'weekly'; weekday 0 → 6; keep 14 → 30"
    ]
    manager.apply(result, settings)
    schedule = BackupSchedule.get(BackupSchedule.name == "profile")
    assert (schedule.frequency, schedule.weekday, schedule.keep) == ("weekly", 6, 30)
    assert plan_of(text, settings).empty


def test_an_sftp_target_from_a_profile(settings: Settings, store: Database) -> None:
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
    sftp = (f"target: sftp\n  host: backup.example\n  user: cb\n  path: /srv/cb\n"
            f"  key_file: /etc/callbox/backup.key\n  host_key: {key}")  # fmt: skip
    manager.apply(plan_of(edited("target: usb\n  label: CALLBOX-BAK", sftp), settings), settings)
    target = BackupTarget.get(BackupTarget.name == "profile")
    assert target.kind == "sftp" and target.options == {
        "host": "backup.example", "username": "cb", "folder": "/srv/cb", "host_key": key,
        "key_file": "/etc/callbox/backup.key"}  # fmt: skip
    assert BackupTarget.select().count() == 1 and BackupSchedule.select().count() == 1


@pytest.mark.parametrize(
    ("old", "new", "fragment", "words"),
    [
        ("  label: CALLBOX-BAK\n", "", "target: usb", "a usb backup target needs 'label'"),
        ("target: usb\n  label: CALLBOX-BAK", "target: local\n  path: backups", "path: backups",
         "must be an absolute path"),
        ("target: usb\n  label: CALLBOX-BAK", "target: sftp\n  host: h\n  user: u\n  path: /b\n"
         "  host_key: ssh-ed25519 nonsense", "host_key:", "not an SSH public host key"),
        ("keep: 14", "keep: 1", "keep: 1", "less than the minimum of 2"),
        ('at: "02:30"', 'at: "25:00"', "25:00", "does not match"),
    ],
)  # fmt: skip
def test_a_bad_backup_section_is_refused_with_its_line(
    old: str, new: str, fragment: str, words: str, settings: Settings, store: Database
) -> None:
    text = edited(old, new)
    with pytest.raises(ProfileInvalid) as caught:
        manager.parse(text, "unit.yml")
    assert caught.value.line == line_of(text, fragment), str(caught.value)
    assert words in str(caught.value)
    assert BackupTarget.select().count() == 0
