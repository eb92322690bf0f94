"""The retention job on a real store and real files: what it deletes, keeps and refuses."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest
from peewee import Database

from appliance.config import Settings, load
from appliance.jobs import retention
from appliance.jobs.scheduler import build_scheduler
from appliance.store.models import Cdr, QaEvaluation, Queue

DAY = 86400
NOW = time.time()


def recorded_call(root: Path, call_id: str, queue: str, age_days: float, path: str = "") -> Path:
    """Write a CDR of a call that ended age_days ago, with its WAV under root; return the file."""
    relative = path or f"2026/01/02/{call_id}.wav"
    ended = NOW - age_days * DAY
    Cdr.create(call_id=call_id, started_at=ended - 60, ended_at=ended, queue=queue,
               agent="1001", outcome="answered", recording=relative)  # fmt: skip
    file = root / relative
    if retention.inside(root, relative) is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(b"RIFF")
    return file


def recording_of(call_id: str) -> str | None:
    """Return the CDR's recording field."""
    return Cdr.get(Cdr.call_id == call_id).recording


@pytest.fixture
def root(settings: Settings, store: Database) -> Path:
    """Return the recordings folder, with queue sales keeping 30 days and support forever."""
    Queue.create(name="sales", recording_retention_days=30)
    Queue.create(name="support")
    folder = Path(settings.paths.recordings)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_an_old_recording_is_deleted_and_its_cdr_kept(root: Path) -> None:
    old = recorded_call(root, "old", "sales", 31)
    report = retention.purge(root, NOW)
    assert report.deleted == ["old"] and not old.exists()
    assert Cdr.get(Cdr.call_id == "old").outcome == "answered" and recording_of("old") is None
    assert not (root / "2026").exists()  # the emptied day folders go too
    assert root.is_dir()


def test_young_forever_and_evaluated_recordings_are_kept(root: Path) -> None:
    young = recorded_call(root, "young", "sales", 29)
    forever = recorded_call(root, "forever", "support", 4000)
    judged = recorded_call(root, "judged", "sales", 90)
    QaEvaluation.create(call_id="judged", scorecard_name="basic", score=80.0, evaluator="sup")
    report = retention.purge(root, NOW)
    assert report.deleted == [] and young.exists() and forever.exists() and judged.exists()
    assert recording_of("judged") == "2026/01/02/judged.wav"


def test_a_missing_file_is_tolerated_and_its_field_cleared(
    root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    recorded_call(root, "gone", "sales", 40).unlink()
    old = recorded_call(root, "old", "sales", 40)
    with caplog.at_level(logging.INFO, logger="callbox.retention"):
        report = retention.purge(root, NOW)
    assert report.missing == ["gone"] and report.deleted == ["old"] and not old.exists()
    assert recording_of("gone") is None
    assert "1 recordings deleted, 1 already missing" in caplog.text


@pytest.mark.parametrize("stored", ["../outside.wav", "2026/../../outside.wav", "ABSOLUTE"])
def test_a_path_outside_the_recordings_folder_is_never_touched(
    root: Path, stored: str, caplog: pytest.LogCaptureFixture
) -> None:
    victim = root.parent / "outside.wav"
    victim.write_bytes(b"keep me")
    stored = str(victim) if stored == "ABSOLUTE" else stored
    recorded_call(root, "evil", "sales", 400, path=stored)
    with caplog.at_level(logging.WARNING, logger="callbox.retention"):
        report = retention.purge(root, NOW)
    assert report.refused == ["evil"] and victim.read_bytes() == b"keep me"
    assert recording_of("evil") == stored and "outside" in caplog.text


def test_a_symbolic_link_out_of_the_folder_is_never_followed(root: Path) -> None:
    victim = root.parent / "precious.wav"
    victim.write_bytes(b"keep me")
    (root / "2026").mkdir()
    os.symlink(victim, root / "2026" / "link.wav")
    recorded_call(root, "link", "sales", 400, path="2026/link.wav")
    assert retention.purge(root, NOW).refused == ["link"] and victim.exists()


def test_run_opens_the_store_and_purges(settings: Settings, root: Path) -> None:
    old = recorded_call(root, "old", "sales", 31)
    report = retention.run(settings)
    assert report is not None and report.deleted == ["old"] and not old.exists()


def test_run_without_a_store_does_nothing(tmp_path: Path) -> None:
    settings = load(tmp_path / "absent.yml", env={"CALLBOX_PATHS__VAR": str(tmp_path / "v")})
    assert retention.run(settings) is None
    assert not Path(settings.paths.database).exists()


def test_the_scheduler_runs_it_hourly_one_at_a_time(settings: Settings) -> None:
    job = build_scheduler(settings).get_job("recording-retention")
    assert job is not None and job.trigger.interval.total_seconds() == 3600
    assert job.coalesce and job.max_instances == 1


def test_a_file_that_cannot_be_deleted_keeps_its_field(root: Path) -> None:
    recorded_call(root, "stuck", "sales", 40).unlink()
    (root / "2026/01/02/stuck.wav").mkdir()  # a folder where the WAV should be
    report = retention.purge(root, NOW)
    assert report.failed == ["stuck"] and recording_of("stuck") == "2026/01/02/stuck.wav"
