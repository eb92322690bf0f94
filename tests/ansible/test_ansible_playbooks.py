"""The playbooks parse, the bulk inventory lists its units, preflight refuses what it must."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from helpers_ansible import ANSIBLE_DIR, ROLES_DIR, ansible

from provisioning.profiles import manager

INVENTORY = ANSIBLE_DIR / "inventory.example.yml"
ROLES = ("preflight", "base", "kamailio", "callbox", "systemd", "firewall", "backup", "logrotate")


def test_site_and_validate_pass_the_syntax_check() -> None:
    for playbook in ("site.yml", "validate.yml"):
        done = ansible("playbook", "--syntax-check", "-i", str(INVENTORY), playbook)
        assert done.returncode == 0, done.stderr
        assert f"playbook: {playbook}" in done.stdout


def test_site_runs_every_role_in_order() -> None:
    (play,) = yaml.safe_load((ANSIBLE_DIR / "site.yml").read_text())
    assert tuple(play["roles"]) == ROLES
    for role in ROLES:
        assert (ROLES_DIR / role / "tasks" / "main.yml").is_file()


def test_one_call_provisions_every_unit_of_the_inventory() -> None:
    done = ansible("playbook", "-i", str(INVENTORY), "site.yml", "--list-hosts")
    assert done.returncode == 0, done.stderr
    units = sorted(re.findall(r"^\s+(branch-\d+)$", done.stdout, re.M))
    assert units == ["branch-01", "branch-02", "branch-03"]


def test_the_inventory_gives_each_unit_its_own_valid_profile() -> None:
    done = ansible("inventory", "-i", str(INVENTORY), "--list")
    assert done.returncode == 0, done.stderr
    hosts = json.loads(done.stdout)["_meta"]["hostvars"]
    profiles = {name: ANSIBLE_DIR / v["callbox_profile"] for name, v in hosts.items()}
    assert len(set(profiles.values())) == len(hosts) == 3
    names = {manager.read_profile(path).data["unit"]["hostname"] for path in profiles.values()}
    assert len(names) == 3  # one box, one name


def test_every_role_variable_has_a_default_and_is_documented() -> None:
    readme = (ANSIBLE_DIR / "README.md").read_text()
    for role in ROLES:
        defaults = yaml.safe_load((ROLES_DIR / role / "defaults" / "main.yml").read_text()) or {}
        for name in defaults:
            assert f"`{name}`" in readme, f"{name} ({role}) is not in ansible/README.md"


def test_preflight_accepts_this_host_and_refuses_too_little_disk() -> None:
    playbook = str(Path(__file__).with_name("preflight.yml"))
    short = ansible("playbook", "-c", "local", "-i", "localhost,", playbook,
                    "-e", "callbox_min_free_mb=999999999")  # fmt: skip
    assert short.returncode != 0
    assert "callbox needs 999999999 MB free under /var and /opt" in short.stdout
    # root, Debian 12 and Python passed first (this host is what the box runs on).
    passed = re.findall(r"TASK \[preflight : ([^\]]+)\].*?\n(ok|fatal):", short.stdout, re.S)
    assert passed[:3] == [
        ("Run as root (locally, or with --become)", "ok"),
        ("Debian 12 (bookworm)", "ok"),
        ("Python 3.11 or newer", "ok"),
    ]
