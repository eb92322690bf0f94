"""Archives of every format version restore: a real archive of each is kept in fixtures/.

format-1.tar: made by callbox 0.1.0 at database version 22 (an agent 1001, a queue
support, the prompt en/welcome.wav).
format-2/: an incremental archive (format 2, 2026-11-19, the recording 2026/11/18/new.wav)
and beside it its base (a full one, format 1, with 2026/11/17/base.wav), made by callbox
0.1.0 at database version 26 (an agent 1001, a queue support).
When the format changes, add the new version's archive beside them; the old ones must
keep restoring.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from peewee import Database

from appliance.backup import reader, restore
from appliance.cli import cli
from appliance.config import Settings
from appliance.store.manager import open_store
from appliance.store.models import Agent, BackupRun, Queue

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("name", ["format-1.tar"])
def test_every_format_version_verifies_and_restores(
    name: str, settings: Settings, store: Database
) -> None:
    checked = reader.verify(FIXTURES / name)
    assert checked.manifest.callbox_version == "0.1.0"
    store.close()
    restore.restore(settings, FIXTURES / name)
    open_store(settings)  # migrates the restored database forward to this code's version
    assert Agent.get(Agent.extension == "1001").name == "Li Lei"
    assert Queue.get(Queue.name == "support")
    prompt = Path(settings.paths.prompts) / "en/welcome.wav"
    assert prompt.read_bytes() == b"RIFF fixture prompt"


def test_the_command_line_creates_lists_verifies_and_restores(
    settings: Settings, store: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALLBOX_PATHS__VAR", str(settings.var))
    monkeypatch.setenv("CALLBOX_CONFIG", str(tmp_path / "absent.yml"))
    monkeypatch.setenv("CALLBOX_BACKUP_PASSPHRASE", "owner's secret")
    Agent.create(extension="1002", name="Han Mei", sip_password="y" * 12)
    runner = CliRunner()
    made = runner.invoke(cli, ["backup", "create", "--encrypt", "--no-recordings"])
    assert made.exit_code == 0, made.output
    path = Path(made.output.split(" (")[0])
    assert path.name.endswith(".tar.enc")
    listed = runner.invoke(cli, ["backup", "list"])
    assert path.name in listed.output
    verified = runner.invoke(cli, ["backup", "verify", str(path)])
    assert verified.exit_code == 0 and ": ok — " in verified.output
    monkeypatch.setenv("CALLBOX_BACKUP_PASSPHRASE", "wrong")
    refused = runner.invoke(cli, ["backup", "verify", str(path)])
    assert refused.exit_code == 2 and "passphrase does not open" in refused.output
    monkeypatch.setenv("CALLBOX_BACKUP_PASSPHRASE", "owner's secret")
    restored = runner.invoke(cli, ["backup", "restore", str(path)])
    assert restored.exit_code == 0 and "safety backup of what was here" in restored.output
    missing = runner.invoke(cli, ["backup", "verify", str(tmp_path / "nope.tar")])
    assert missing.exit_code == 2 and "no archive at" in missing.output


def test_format_2_incremental_restores_with_its_base(settings: Settings, store: Database) -> None:
    folder = FIXTURES / "format-2"
    incremental = folder / "callbox-20261119-110640.tar"
    checked = reader.verify(incremental)
    assert (checked.manifest.format_version, checked.manifest.base) == (
        2, "callbox-20261118-110640.tar")  # fmt: skip
    assert restore.chain(incremental) == [folder / "callbox-20261118-110640.tar"]
    store.close()
    restore.restore(settings, incremental)
    open_store(settings)
    assert Agent.get(Agent.extension == "1001").name == "Li Lei"
    assert BackupRun.select().count() == 0  # its tables are this version's
    recordings = Path(settings.paths.recordings)
    assert (recordings / "2026/11/18/new.wav").read_bytes() == b"RIFF fixture new recording"
    assert (recordings / "2026/11/17/base.wav").read_bytes() == b"RIFF fixture base recording"
