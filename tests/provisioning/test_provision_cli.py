"""`callbox provision ...` and the first-boot hook, run as real commands on a temporary box."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from profile_server import serving
from profile_support import EXAMPLE, REPO_ROOT, edited, example_text, line_of

HOOK = REPO_ROOT / "firmware_hooks" / "first-boot.d" / "60-zero-touch"


class Box:
    """A temporary box: its config file and state folder, and a way to run commands on it."""

    def __init__(self, root: Path) -> None:
        """Write a config naming the state folder; run commands with it, never /etc."""
        self.root = root
        self.config = root / "callbox.yml"
        self.config.write_text(f"paths:\n  var: {root / 'var'}\n")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOX_")}
        self.env["CALLBOX_CONFIG"] = str(self.config)
        self.env["PATH"] = f"{Path(sys.executable).parent}:{self.env.get('PATH', '')}"

    def callbox(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """Run `callbox ARGS` on this box."""
        return self.run([sys.executable, "-m", "appliance.cli", *args], stdin)

    def run(self, argv: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
        """Run argv with this box's environment."""
        return subprocess.run(argv, cwd=REPO_ROOT, env=self.env, input=stdin,
                              capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.fixture
def box(tmp_path: Path) -> Box:
    """Return a fresh box."""
    return Box(tmp_path)


def test_apply_shows_the_diff_asks_and_reapplying_is_empty(box: Box) -> None:
    """No answer applies nothing; --yes applies; the second apply says nothing changes."""
    asked = box.callbox("provision", "apply", str(EXAMPLE), stdin="n\n")
    assert asked.returncode == 0, asked.stderr
    assert "+ agent 1001: name 'Alice Chen'" in asked.stdout and "nothing applied" in asked.stdout
    assert "alice-sip-pass-1" not in asked.stdout  # secrets never printed
    dry = box.callbox("provision", "apply", "--dry-run", str(EXAMPLE))
    assert "+ agent 1001" in dry.stdout and "nothing applied" in dry.stdout
    done = box.callbox("provision", "apply", "--yes", str(EXAMPLE))
    assert done.returncode == 0 and "applied 16 change(s)" in done.stdout, done.stdout
    again = box.callbox("provision", "apply", str(EXAMPLE))
    assert again.returncode == 0 and again.stdout.startswith("no changes"), again.stdout


def test_an_invalid_profile_is_refused_with_its_line(box: Box, tmp_path: Path) -> None:
    """Exit status 2; every problem on stderr with file and line; nothing written."""
    text = edited("    port: 5060", "    port: 0", edited("  serial: CB", "  serial: C B"))
    profile = tmp_path / "bad.yml"
    profile.write_text(text)
    done = box.callbox("provision", "apply", "--yes", str(profile))
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert lines[0].startswith(f"callbox: {profile}:{line_of(text, 'serial: C B')}: unit.serial")
    assert lines[1].startswith(f"callbox: {profile}:{line_of(text, 'port: 0')}: trunks[0].port")
    assert not (tmp_path / "var" / "unit.json").exists()
    valid = box.callbox("provision", "validate", str(profile))
    assert valid.returncode == 2 and valid.stderr == done.stderr


def test_keygen_sign_and_verify(box: Box, tmp_path: Path) -> None:
    """A reseller's workflow; a profile edited after signing fails verify."""
    key, pub = tmp_path / "r.key", tmp_path / "r.pub"
    assert (
        box.callbox("provision", "keygen", "--private", str(key), "--public", str(pub)).returncode
        == 0
    )
    profile = tmp_path / "unit.yml"
    profile.write_text(example_text())
    signed = box.callbox("provision", "sign", str(profile), "--key", str(key))
    assert signed.returncode == 0 and (tmp_path / "unit.yml.sig").is_file(), signed.stderr
    good = box.callbox("provision", "verify", str(profile), "--public-key", str(pub))
    assert good.returncode == 0 and "signature good" in good.stdout
    profile.write_text(example_text() + "# edited\n")
    bad = box.callbox("provision", "verify", str(profile), "--public-key", str(pub))
    assert bad.returncode == 2 and "does not match" in bad.stderr


def test_the_first_boot_hook_applies_a_signed_profile(box: Box, tmp_path: Path) -> None:
    """The hook runs `callbox provision zero-touch` and reports success or the error."""
    key, pub = tmp_path / "r.key", tmp_path / "r.pub"
    box.callbox("provision", "keygen", "--private", str(key), "--public", str(pub))
    www = tmp_path / "www"
    www.mkdir()
    (www / "unit.yml").write_text(example_text())
    assert (
        box.callbox("provision", "sign", str(www / "unit.yml"), "--key", str(key)).returncode == 0
    )
    with serving(www) as base:
        box.config.write_text(
            f"paths:\n  var: {tmp_path / 'var'}\nprovisioning:\n  public_key: {pub}\n"
            f"  profile_url: {base}/unit.yml\n  usb_label: CBXNOSTICK\n"
        )
        (www / "unit.yml").write_text(example_text() + "# tampered\n")
        refused = box.run([str(HOOK)])
        assert refused.returncode != 0 and "does not match" in refused.stderr
        assert "FAILED" in refused.stderr
        (www / "unit.yml").write_text(example_text())
        applied = box.run([str(HOOK)])
    assert applied.returncode == 0, applied.stderr
    assert "zero-touch: applied" in applied.stdout and "unit provisioned" in applied.stdout


def test_report_prints_the_units_report_for_the_playbook(box: Box) -> None:
    """`provision report --json`: the report the job sends, valid, naming the applied profile."""
    from provisioning.unit_report.schema import problem

    assert box.callbox("provision", "apply", "--yes", str(EXAMPLE)).returncode == 0
    shown = box.callbox("provision", "report", "--json")
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert problem(report) is None
    assert (report["serial"], report["hostname"]) == ("CB-2026-000123", "acme-callbox-01")
    assert report["unit"]["profile_sha256"] == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    assert report["unit"]["name"] == "ACME Telecom" and report["agents_logged_in"] == 0
    human = box.callbox("provision", "report")
    assert human.returncode == 0 and "unit CB-2026-000123 (acme-callbox-01)" in human.stdout
