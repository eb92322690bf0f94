"""The IVR pages: the structured editor publishes through the engine's own flow commands.

The stand-in engine answers flow.publish / rollback with the real `FlowCommands` on
the test store, so validation, versions and conflicts are the engine's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from helpers_admin import log_in_as, post_form, serve_flows
from helpers_web import StandInEngine

from appliance.store.models import AuditEntry, IvrFlow, Queue

GRAPH = {"start": "welcome", "language": "en", "nodes": {
    "welcome": {"type": "play", "prompt": "welcome", "next": "menu"},
    "menu": {"type": "menu", "prompt": "main-menu", "choices": {"1": "sales"}, "timeout": 5,
             "failed": "bye"},
    "sales": {"type": "queue", "queue": "sales"},
    "bye": {"type": "hangup"}}}  # fmt: skip


def editor_form(graph: dict, base: int | None = None, **extra: str) -> dict[str, str]:
    """Return the editor's fields for graph, as the page would post them."""
    form = {"start": graph["start"], "language": graph.get("language", "en"),
            "base_version": str(base or "")}  # fmt: skip
    for i, (node_id, node) in enumerate(graph["nodes"].items()):
        form[f"node-{i}-id"] = node_id
        form[f"node-{i}-type"] = node["type"]
        for key, value in node.items():
            if key == "choices":
                value = " ".join(f"{k}={v}" for k, v in value.items())
            if key != "type":
                form[f"node-{i}-{key}"] = str(value)
    return {**form, **extra}


@pytest.fixture
def admin(client: FlaskClient, engine: StandInEngine, tmp_path: Path) -> FlaskClient:
    """Return an admin's client; the engine answers flow commands for real."""
    serve_flows(engine, tmp_path / "prompts")
    Queue.create(name="sales")
    return log_in_as(client, "admin")


def test_the_editor_publishes_a_version_and_audits_it(admin: FlaskClient) -> None:
    response = post_form(admin, "/admin/flows/main", editor_form(GRAPH, action="publish"))
    assert response.status_code == 302
    live = IvrFlow.get(IvrFlow.name == "main")
    assert (live.version, live.active) == (1, True)
    assert live.graph["nodes"]["menu"]["choices"] == {"1": "sales"}
    assert live.graph["nodes"]["menu"]["timeout"] == 5
    entry = AuditEntry.get(AuditEntry.area == "ivr")
    assert (entry.object_key, entry.action, entry.after["version"]) == ("main", "publish", 1)
    page = admin.get("/admin/flows/main").get_data(as_text=True)
    assert "Version 1 of main is live." in page and 'name="node-1-choices" value="1=sales"' in page


def test_the_engines_problems_are_shown_on_their_nodes_and_the_edits_kept(
    admin: FlaskClient,
) -> None:
    bad = json.loads(json.dumps(GRAPH))
    bad["nodes"]["sales"]["queue"] = "billing"
    bad["nodes"]["welcome"]["prompt"] = "no-such-prompt"
    response = post_form(admin, "/admin/flows/main", editor_form(bad))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    sales = page[page.index('data-node="sales"') :]
    assert "queue &#39;billing&#39; does not exist" in sales[: sales.index("</fieldset>")]
    welcome = page[page.index('data-node="welcome"') :]
    assert "no-such-prompt" in welcome[: welcome.index("</fieldset>")]
    assert 'value="billing"' in page and not IvrFlow.select().exists()


def test_a_publish_over_someone_elses_is_a_conflict(admin: FlaskClient) -> None:
    assert post_form(admin, "/admin/flows/main", editor_form(GRAPH)).status_code == 302
    assert post_form(admin, "/admin/flows/main", editor_form(GRAPH, 1)).status_code == 302
    stale = editor_form(GRAPH, 1, **{"node-0-prompt": "goodbye"})
    response = post_form(admin, "/admin/flows/main", stale)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "someone published meanwhile" in page
    assert 'value="goodbye"' in page and IvrFlow.select().count() == 2


def test_a_version_is_rolled_back(admin: FlaskClient) -> None:
    post_form(admin, "/admin/flows/main", editor_form(GRAPH))
    post_form(admin, "/admin/flows/main", editor_form(GRAPH, 1, **{"node-0-prompt": "goodbye"}))
    response = post_form(admin, "/admin/flows/main/rollback", {"version": "1"})
    assert response.status_code == 302
    assert IvrFlow.get(IvrFlow.active == True).version == 1  # noqa: E712
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).get()
    assert (entry.action, entry.before, entry.after) == ("rollback", {"version": 2}, {"version": 1})
    missing = post_form(admin, "/admin/flows/main/rollback", {"version": "9"})
    assert missing.status_code == 409 and "has no version 9" in missing.get_data(as_text=True)


def test_the_simulator_shows_the_path_and_prompts_without_publishing(admin: FlaskClient) -> None:
    form = editor_form(GRAPH, action="simulate", sim_keys=".1", sim_caller="13800138000")
    page = post_form(admin, "/admin/flows/main", form).get_data(as_text=True)
    assert "welcome → menu → sales" in page and "queue:sales" in page
    assert "welcome, main-menu" in page and not IvrFlow.select().exists()
    assert 'name="sim_keys" value=".1"' in page and 'value="13800138000"' in page


def test_the_json_view_publishes_and_bad_json_is_kept(admin: FlaskClient) -> None:
    form = {"source": "json", "graph_json": json.dumps(GRAPH), "start": "", "base_version": ""}
    assert post_form(admin, "/admin/flows/main", form).status_code == 302
    broken = {**form, "graph_json": '{"start": "welcome", '}
    response = post_form(admin, "/admin/flows/main", broken)
    assert response.status_code == 400 and "The JSON is not valid" in response.get_data(
        as_text=True
    )


def test_a_node_is_added_and_removed_with_the_form(admin: FlaskClient) -> None:
    form = editor_form(GRAPH, **{"node-4-id": "extra", "node-4-type": "goto", "node-4-next": "bye",
                                 "node-3-remove": "on"})  # fmt: skip
    page = post_form(admin, "/admin/flows/main", {**form, "action": "simulate"}).get_data(
        as_text=True
    )
    assert 'data-node="extra"' in page and 'data-node="bye"' not in page


def test_without_the_engine_publishing_says_so_and_keeps_the_edits(
    client: FlaskClient, tmp_path: Path
) -> None:
    log_in_as(client, "admin")
    response = post_form(client, "/admin/flows/main", editor_form(GRAPH))
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "The engine is not running" in page
    assert 'value="main-menu"' in page


def test_a_new_flow_needs_a_fresh_valid_name(admin: FlaskClient) -> None:
    post_form(admin, "/admin/flows/main", editor_form(GRAPH))
    for name, message in (("", "This field is required."), ("Main Menu", "Lowercase letters"),
                          ("main", "A flow named main exists.")):  # fmt: skip
        response = post_form(admin, "/admin/flows", {"name": name})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    response = post_form(admin, "/admin/flows", {"name": "night"})
    assert response.headers["Location"].endswith("/admin/flows/night")
    assert "main" in admin.get("/admin/flows").get_data(as_text=True)


def test_a_queue_used_by_a_published_flow_cannot_be_deleted(admin: FlaskClient) -> None:
    post_form(admin, "/admin/flows/main", editor_form(GRAPH))
    sales = Queue.get(Queue.name == "sales")
    response = post_form(admin, f"/admin/queues/{sales.id}/delete", {})
    assert response.status_code == 409
    assert "IVR flow main, node sales" in response.get_data(as_text=True)
