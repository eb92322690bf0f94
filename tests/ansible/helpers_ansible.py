"""Run Debian's ansible-core commands on the repository's playbook (tests/ansible)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
ANSIBLE_DIR = REPO_ROOT / "ansible"
ROLES_DIR = ANSIBLE_DIR / "roles"
RENDER_PLAYBOOK = Path(__file__).with_name("render.yml")
INSTALL_HINT = "ansible-core is missing: `make deps-test` installs it (Debian's package)"


def ansible(
    tool: str, *args: str, cwd: Path = ANSIBLE_DIR, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ansible-<tool> ARGS; fail with the install hint when it is not installed."""
    binary = shutil.which(f"ansible-{tool}")
    assert binary, INSTALL_HINT
    full_env = {**os.environ, **(env or {}), "LC_ALL": "C.UTF-8", "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_RETRY_FILES_ENABLED": "0", "ANSIBLE_ROLES_PATH": str(ROLES_DIR)}  # fmt: skip
    return subprocess.run([binary, *args], cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=180, check=False)  # fmt: skip


def render(out_file: Path, *variants: dict[str, Any], **common: Any) -> list[dict[str, str]]:
    """Render the templates once per variant (extra vars over common); return name -> text."""
    variables = {"roles_dir": str(ROLES_DIR), "out_file": str(out_file),
                 "variants": list(variants) or [{}], **common}  # fmt: skip
    playbook = str(RENDER_PLAYBOOK)
    done = ansible("playbook", "-i", "localhost,", playbook, "-e", json.dumps(variables))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    return [_as_dict(files) for files in json.loads(out_file.read_text())]


def write(files: dict[str, str], folder: Path) -> Path:
    """Write rendered files into folder; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def _as_dict(message: Any) -> dict[str, str]:
    """Return the rendered files (Ansible may hand the JSON back parsed or as text)."""
    return message if isinstance(message, dict) else json.loads(message)
