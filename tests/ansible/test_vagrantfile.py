"""The Vagrantfile passes `vagrant validate`; a mistake in it does not."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from helpers_ansible import REPO_ROOT


def vagrant_validate(folder: Path) -> subprocess.CompletedProcess[str]:
    """Run `vagrant validate --ignore-provider` on folder's Vagrantfile (no VM, no box)."""
    vagrant = shutil.which("vagrant")
    assert vagrant, "vagrant is missing: `make deps-test` installs Debian's package"
    env = {**os.environ, "VAGRANT_HOME": str(folder / "home"), "VAGRANT_CHECKPOINT_DISABLE": "1"}
    return subprocess.run([vagrant, "validate", "--ignore-provider"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip


def test_the_vagrantfile_validates(tmp_path: Path) -> None:
    shutil.copy(REPO_ROOT / "Vagrantfile", tmp_path / "Vagrantfile")
    done = vagrant_validate(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Vagrantfile validated successfully." in done.stdout
    text = (REPO_ROOT / "Vagrantfile").read_text()
    assert '"debian/bookworm64"' in text and 'ansible.playbook = "ansible/site.yml"' in text


def test_a_misspelt_provisioner_option_is_refused(tmp_path: Path) -> None:
    text = (REPO_ROOT / "Vagrantfile").read_text()
    assert "ansible.playbook =" in text
    (tmp_path / "Vagrantfile").write_text(text.replace("ansible.playbook =", "ansible.playbok ="))
    done = vagrant_validate(tmp_path)
    assert done.returncode != 0
    assert "playbok" in done.stdout + done.stderr
