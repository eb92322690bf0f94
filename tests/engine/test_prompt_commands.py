"""Prompt commands over a real control socket, store and prompt folder; flows see custom prompts."""

from __future__ import annotations

import copy
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from appliance.config import load
from appliance.demo import IVR_GRAPH
from appliance.engine.control import ControlClient, ControlError, ControlServer
from appliance.engine.flow_commands import FlowCommands
from appliance.engine.media import Prompts
from appliance.engine.prompt_commands import PromptCommands
from appliance.prompts.library import PromptLibrary
from appliance.store.manager import open_store
from appliance.store.models import IvrFlow, Prompt, Queue


@pytest.fixture
def client(tmp_path: Path) -> Iterator[ControlClient]:
    """Serve the prompt and flow commands on a socket over a fresh store and prompt folder."""
    settings = load(tmp_path / "absent.yml", env={"CALLBOX_PATHS__VAR": str(tmp_path / "var")})
    database = open_store(settings)
    for name in ("sales", "support"):
        Queue.create(name=name)
    folder = Path(settings.paths.prompts)
    (folder / "en").mkdir(parents=True)
    for name in ("welcome", "main-menu", "invalid", "goodbye"):  # stand-ins for the built-ins
        target = str(folder / "en" / f"{name}.wav")
        subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", target,
                        "trim", "0", "0.2"], check=True)  # fmt: skip
    table = {
        **PromptCommands(PromptLibrary(folder)).table,
        **FlowCommands(Prompts(folder), lambda: None).table,
    }
    server = ControlServer(tmp_path / "engine.sock", lambda cmd, args: table[cmd](**args))
    server.start()
    try:
        yield ControlClient(tmp_path / "engine.sock", timeout=10)
    finally:
        server.stop()
        database.close()


def greeting_flow() -> dict[str, Any]:
    """Return the demo flow opening with a custom prompt."""
    graph = copy.deepcopy(IVR_GRAPH)
    graph["nodes"]["welcome"]["prompt"] = "spring-sale"
    return graph


def refusal(client: ControlClient, cmd: str, **args: Any) -> ControlError:
    """Return the error a command is refused with."""
    with pytest.raises(ControlError) as err:
        client.call(cmd, **args)
    return err.value


def test_a_custom_prompt_can_be_published_and_is_not_deleted_under_a_live_flow(
    client: ControlClient,
) -> None:
    made = client.call("prompt.tts", name="spring-sale", language="en", text="Spring sale today.")
    assert made["source"] == "tts" and made["custom"]
    assert client.call("flow.publish", name="main", graph=greeting_flow())["version"] == 1
    err = refusal(client, "prompt.delete", name="spring-sale", language="en")
    assert err.error_id == "prompt-in-use"
    assert "flow 'main' node 'welcome'" in str(err)
    forced = client.call("prompt.delete", name="spring-sale", language="en", force=True)
    assert forced["deleted"] and not forced["builtin_restored"]
    err = refusal(client, "flow.publish", name="main", graph=greeting_flow())
    assert err.error_id == "invalid-flow"
    assert err.details == [{"node": "welcome", "message": "prompt 'spring-sale' is missing"}]
    assert IvrFlow.select().count() == 1  # the refused version was not stored


def test_a_prompt_in_another_language_than_the_flows_may_be_deleted(
    client: ControlClient,
) -> None:
    client.call("prompt.tts", name="spring-sale", language="en", text="Spring sale today.")
    client.call("prompt.tts", name="spring-sale", language="zh", text="春季促销。")
    client.call("flow.publish", name="main", graph=greeting_flow())
    # The flow is English: without the Chinese file its callers still hear the English one.
    assert client.call("prompt.delete", name="spring-sale", language="zh")["deleted"]


def test_upload_list_and_refusals_with_clear_ids(client: ControlClient, tmp_path: Path) -> None:
    wav = tmp_path / "upload.wav"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "2", str(wav), "synth", "1.5",
                    "sine", "300"], check=True)  # fmt: skip
    uploaded = client.call("prompt.upload", path=str(wav), name="closed", language="zh", by="ann")
    assert (uploaded["source"], uploaded["seconds"], uploaded["updated_by"]) == (
        "upload", 1.5, "ann",
    )  # fmt: skip
    listed = client.call("prompt.list", language="zh")["prompts"]
    assert [(p["name"], p["custom"]) for p in listed] == [("closed", True)]
    text = tmp_path / "notes.mp3"
    text.write_text("meeting notes")
    err = refusal(client, "prompt.upload", path=str(text), name="closed", language="zh")
    assert err.error_id == "not-audio" and "not WAV or MP3" in str(err)
    err = refusal(client, "prompt.upload", path=str(tmp_path / "gone.wav"), name="x")
    assert err.error_id == "no-such-file"
    err = refusal(client, "prompt.upload", path=str(wav), name="Bad Name")
    assert err.error_id == "bad-name"
    err = refusal(client, "prompt.tts", name="x", language="fr", text="bonjour")
    assert err.error_id == "bad-language"
    err = refusal(client, "prompt.delete", name="welcome", language="en")
    assert err.error_id == "no-such-prompt"  # a built-in, never uploaded: nothing to delete
    assert Prompt.get(Prompt.name == "closed").seconds == 1.5
