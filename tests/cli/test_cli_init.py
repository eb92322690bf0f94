"""`callbox init` and `callbox migrate` on a real temporary state folder."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import stat
import subprocess
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from appliance.demo import IVR_GRAPH

Runner = Callable[..., subprocess.CompletedProcess[str]]


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    """Return the rows of a read-only query."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_migrate_fresh_then_nothing(callbox: Runner, var_dir: Path) -> None:
    """Report the applied migration, then that the database is up to date."""
    first = callbox("migrate")
    assert first.returncode == 0, first.stderr
    assert "applied migration 0001 initial" in first.stdout
    second = callbox("migrate")
    assert second.returncode == 0
    assert "up to date" in second.stdout


def test_init_without_demo_creates_no_admin(callbox: Runner, var_dir: Path) -> None:
    """Create folders, database and prompts, but no user and no demo.json."""
    result = callbox("init")
    assert result.returncode == 0, result.stderr
    for folder in ("run", "recordings", "prompts", "backups", "kamailio"):
        assert (var_dir / folder).is_dir()
    assert rows(var_dir / "callbox.db", "SELECT COUNT(*) FROM user") == [(0,)]
    assert not (var_dir / "demo.json").exists()


def test_init_demo(callbox: Runner, var_dir: Path) -> None:
    """Load the demo rows and write demo.json (0600) with every promised field."""
    result = callbox("init", "--demo", extra_env={"CALLBOX_ENGINE__TRUNK_PORT": "5999"})
    assert result.returncode == 0, result.stderr
    demo_path = var_dir / "demo.json"
    assert str(demo_path) in result.stdout
    assert stat.S_IMODE(demo_path.stat().st_mode) == 0o600
    demo = json.loads(demo_path.read_text())
    assert demo["web_url"] == "https://127.0.0.1:8080/"  # HTTPS: not a demo-mode box
    assert demo["admin"]["username"] == "admin" and len(demo["admin"]["password"]) >= 12
    assert [a["extension"] for a in demo["agents"]] == ["1001", "1002", "1003", "1004", "1005"]
    assert all(a["name"] and a["sip_password"] for a in demo["agents"])
    assert demo["trunk"] == {
        "name": "demo-carrier",
        "host": "127.0.0.1",
        "port": 5999,
        "accepts_from": "127.0.0.1",
    }
    assert demo["ivr_number"] == "100"
    assert demo["queues"] == {"support": ["1001", "1002", "1003"], "sales": ["1004", "1005"]}
    assert demo["sip"] == {"registrar": "127.0.0.1:5060", "domain": "127.0.0.1"}
    check_demo_rows(var_dir / "callbox.db", demo)


def check_demo_rows(db: Path, demo: dict[str, Any]) -> None:
    """Assert the store holds what demo.json describes."""
    (password_hash,) = rows(db, "SELECT password_hash FROM user WHERE username='admin'")[0]
    assert str(password_hash).startswith("$argon2")
    token_hash = hashlib.sha256(demo["api_token"].encode()).hexdigest()
    assert rows(db, "SELECT token_hash FROM api_token") == [(token_hash,)]
    agents = rows(db, "SELECT extension, sip_password, state, auto_ready FROM agent ORDER BY 1")
    assert agents == [(a["extension"], a["sip_password"], "ready", 1) for a in demo["agents"]]
    members = rows(
        db,
        "SELECT q.name, a.extension, q.strategy FROM queue_member m"
        " JOIN queue q ON q.id = m.queue_id JOIN agent a ON a.id = m.agent_id ORDER BY 1, 2",
    )
    assert members == [("sales", "1004", "longest_idle"), ("sales", "1005", "longest_idle")] + [
        ("support", ext, "longest_idle") for ext in ("1001", "1002", "1003")
    ]
    assert rows(db, "SELECT name, kind, host, port FROM trunk") == [
        ("demo-carrier", "peer", "127.0.0.1", 5070)
    ]
    (flow,) = rows(db, "SELECT name, version, active, graph FROM ivr_flow")
    assert flow[:3] == ("main", 1, 1) and json.loads(str(flow[3])) == IVR_GRAPH
    number = "SELECT n.number, n.target_type, n.target, t.name FROM inbound_number n JOIN trunk t"
    assert rows(db, number + " ON t.id = n.trunk_id") == [("100", "ivr", "main", "demo-carrier")]


def test_second_init_demo_changes_nothing(callbox: Runner, var_dir: Path) -> None:
    """Keep the existing data and demo.json when agents already exist."""
    assert callbox("init", "--demo").returncode == 0
    demo_before = (var_dir / "demo.json").read_bytes()
    dump = (
        "SELECT extension, sip_password FROM agent"
        " UNION ALL SELECT username, password_hash FROM user"
    )
    before = rows(var_dir / "callbox.db", dump)
    again = callbox("init", "--demo")
    assert again.returncode == 0, again.stderr
    assert "already has agents" in again.stdout and str(var_dir / "demo.json") in again.stdout
    assert rows(var_dir / "callbox.db", dump) == before
    assert (var_dir / "demo.json").read_bytes() == demo_before


def test_init_demo_force_reloads(callbox: Runner, var_dir: Path) -> None:
    """Replace the demo rows (new passwords) with --force, without duplicates."""
    assert callbox("init", "--demo").returncode == 0
    first = json.loads((var_dir / "demo.json").read_text())
    assert callbox("init", "--demo", "--force").returncode == 0
    second = json.loads((var_dir / "demo.json").read_text())
    assert second["admin"]["password"] != first["admin"]["password"]
    assert rows(var_dir / "callbox.db", "SELECT COUNT(*) FROM agent") == [(5,)]
    check_demo_rows(var_dir / "callbox.db", second)


def test_init_generates_prompts(callbox: Runner, var_dir: Path) -> None:
    """Write 8 kHz mono 16-bit prompts of real length, and the music on hold."""
    assert callbox("init").returncode == 0
    for relative in ("en/welcome.wav", "zh/main-menu.wav", "en/no-agents.wav", "moh/default.wav"):
        with wave.open(str(var_dir / "prompts" / relative)) as audio:
            assert audio.getframerate() == 8000
            assert audio.getnchannels() == 1
            assert audio.getsampwidth() == 2
            assert audio.getnframes() > 8000  # over a second
