""" "Back up now" in real headless Chromium: the progress bar follows the run to its end.

The app is served on loopback; the backup is real (the store, 144 MB of recordings, a
folder target), run in the web process's background thread and polled by the page.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import browser
import pytest
from flask import Flask
from helpers_web import PASSWORD
from playwright import sync_api as playwright

from appliance.backup import reader, retention
from appliance.config import Settings
from appliance.store.models import BackupRun, BackupSchedule, BackupTarget, User

# Records every value the progress bar shows (the page's script sets it as it polls).
WATCH_BAR = """
document.addEventListener("DOMContentLoaded", () => {
  const bar = document.getElementById("backup-bar");
  if (!bar) return;
  window.seenProgress = [];
  new MutationObserver(() => window.seenProgress.push(Number(bar.value)))
    .observe(bar, { attributes: true, attributeFilter: ["value"] });
});
"""


@pytest.fixture
def site(app: Flask) -> Iterator[str]:
    """Serve the app on a free loopback port; return its base URL."""
    with browser.served(app) as base:
        yield base


def test_back_up_now_shows_progress_until_done(
    site: str, user: User, settings: Settings, tmp_path: Path
) -> None:
    old = time.time() - 3600
    recordings = Path(settings.paths.recordings) / "2026/11/27"
    recordings.mkdir(parents=True)
    noise = os.urandom(6 << 20)
    for n in range(24):  # 144 MB: a run of seconds, many of the page's 250 ms polls
        path = recordings / f"call-{n}.wav"
        path.write_bytes(noise)
        os.utime(path, (old, old))
    target = BackupTarget.create(name="disk", kind="local", created_at=old,
                                 options={"folder": str(tmp_path / "archives")})  # fmt: skip
    BackupSchedule.create(name="nightly", target=target, frequency="daily", at="02:00",
                          recordings=True, created_at=old)  # fmt: skip
    expect = playwright.expect
    with browser.chromium() as page:
        page.add_init_script(WATCH_BAR)
        browser.log_in(page, site, user.username, PASSWORD)
        page.goto(f"{site}/admin/")
        page.click(".admin-nav >> text=Backups")
        page.click("#backup-schedules >> button:has-text('Back up now')")
        expect(page.locator("#backup-progress")).to_be_visible()
        expect(page.locator("#backup-progress")).to_have_attribute("data-status", "ok",
                                                                   timeout=60_000)  # fmt: skip
        expect(page.locator("#backup-stage")).to_have_text("Done")
        expect(page.locator("#backup-status")).to_have_text("ok")
        seen = page.evaluate("window.seenProgress")
        run = BackupRun.get()
        expect(page.locator("#backup-message")).to_contain_text(run.archive)
        row = page.locator(f"#backup-runs tr[data-run='{run.id}']")
        expect(row.locator(".run-status")).to_have_text("ok")  # the log drawn mid-run, updated
        expect(row.locator(".run-archive")).to_have_text(run.archive)
    assert seen[-1] == 1.0
    assert any(0 < value < 1 for value in seen), seen  # it moved, not only jumped to the end
    assert seen == sorted(seen)  # and never went back
    (archive,) = retention.archives(tmp_path / "archives")
    assert archive.name == run.archive and reader.verify(archive).integrity == "ok"
