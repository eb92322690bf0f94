"""Helpers of the admin page tests: users of each role, posting forms, the engine's reload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from helpers_web import PASSWORD, StandInEngine, csrf_from, login

from appliance.engine.control import CommandError
from appliance.engine.flow_commands import FlowCommands
from appliance.engine.media import Prompts
from appliance.store.models import User
from web.auth.services import hash_password

QUEUE_FORM = {
    "name": "sales", "title": "Sales", "strategy": "longest_idle", "music_class": "default",
    "ring_seconds": "20", "max_wait_seconds": "600", "wrap_up_seconds": "5", "record": "on",
    "autopause_after": "3", "max_callers": "0", "overflow": "", "skills": "", "skill_widen": "",
    "sticky_days": "30", "preferred_wait_seconds": "0", "announce_seconds": "0",
    "periodic_seconds": "0", "periodic_prompt": "queue-periodic", "exit_key": "",
    "exit_target": "", "join_when": "staffed", "stay_when": "always", "callback_attempts": "3",
    "callback_retry_seconds": "60",
}  # fmt: skip
AGENT_FORM = {"extension": "1001", "name": "Li Lei", "sip_password": "", "wrap_up_seconds": "",
              "forward_to": "", "skills": "", "queues": ""}  # fmt: skip


def log_in_as(client: FlaskClient, role: str) -> FlaskClient:
    """Create a user of role and log the client in as them."""
    User.create(username=f"{role}1", password_hash=hash_password(PASSWORD), role=role)
    assert login(client, f"{role}1", PASSWORD).status_code == 302
    return client


def post_form(client: FlaskClient, path: str, form: dict[str, str], **kw: Any) -> Any:
    """Post form as the page at path would (with its CSRF token)."""
    token = csrf_from(client.get("/admin/").get_data(as_text=True))
    return client.post(path, data={**form, "csrf_token": token}, **kw)


def accept_reloads(engine: StandInEngine) -> None:
    """Have the stand-in engine accept `reload`."""
    engine.commands["reload"] = lambda: {"queues": 0}


def refuse_reloads(engine: StandInEngine, why: str = "queue 'sales' is broken") -> None:
    """Have the stand-in engine refuse `reload` as the engine refuses bad configuration."""

    def refuse() -> None:
        raise CommandError("bad-config", f"not applied: {why}")

    engine.commands["reload"] = refuse


def serve_flows(engine: StandInEngine, prompts: Path) -> None:
    """Have the stand-in answer flow.* with the engine's own FlowCommands on the test store."""
    for language, name in (("en", "welcome"), ("en", "goodbye"), ("en", "main-menu")):
        (prompts / language).mkdir(parents=True, exist_ok=True)
        (prompts / language / f"{name}.wav").write_bytes(b"RIFF")
    accept_reloads(engine)
    engine.commands.update(FlowCommands(Prompts(prompts), engine.commands["reload"]).table)
