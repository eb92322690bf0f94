"""The IVR flow pages: list, the structured editor, publish, versions and rollback, simulator."""

from __future__ import annotations

import json
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web.admin import (  # noqa: F401
    backup_restore_routes,
    backup_routes,
    flows,
    prompt_routes,
    recording_routes,
    voicemail_routes,
)
from web.admin.flow_form import (
    NODE_TYPES,
    FlowFormError,
    NodeForm,
    graph_from_form,
    graph_from_json,
    nodes_of,
)
from web.admin.routes import bp
from web.admin.schemas import NAME
from web.auth.guards import role_required
from web.auth.services import csrf_valid
from web.i18n import _

STARTER = {"start": "welcome", "language": "en", "nodes": {
    "welcome": {"type": "play", "prompt": "welcome", "next": "bye"},
    "bye": {"type": "hangup"}}}  # fmt: skip
Page = str | Response | tuple[str, int]


@bp.get("/flows")
@role_required("admin")
def flows_list() -> str:
    """List the IVR flows."""
    return render_template("admin/flows.html", flows=flows.flows(), error="", name="")


@bp.post("/flows")
@role_required("admin")
def flows_new() -> Page:
    """Open the editor on a new flow name."""
    name = request.form.get("name", "").strip()
    error = ""
    if not name:
        error = _("This field is required.")
    elif len(name) > flows.FLOW_NAME_MAX or not NAME.match(name):
        error = _("Lowercase letters, digits, - and _ (at most 64).")
    elif flows.versions(name):
        error = _("A flow named %(name)s exists.", name=name)
    if error:
        return render_template("admin/flows.html", flows=flows.flows(), error=error, name=name), 400
    return redirect(url_for("admin.flow_edit", name=name))


@bp.get("/flows/<name>")
@role_required("admin")
def flow_edit(name: str) -> str:
    """Show the editor on the live version (or ?version=N)."""
    version = request.args.get("version", type=int)
    graph, number = flows.graph(name, version)
    return _editor(name, graph or STARTER, number, {})


@bp.post("/flows/<name>")
@role_required("admin")
def flow_submit(name: str) -> Page:
    """Publish or simulate what the editor holds; keep the edits whatever happens."""
    form = request.form
    base = form.get("base_version", type=int) or None
    try:
        from_json = form.get("source") == "json"
        graph = graph_from_json(form["graph_json"]) if from_json else graph_from_form(form)
    except FlowFormError as exc:
        return _editor(name, _fallback(form), base or 0, {}, str(exc)), 400
    if not csrf_valid(form.get("csrf_token")):
        return _editor(name, graph, base or 0, {}, _("The form expired. Please try again.")), 400
    if form.get("action") == "simulate":
        return _editor(name, graph, base or 0, {}, simulation=_simulate(graph, form))
    try:
        version = flows.publish(name, graph, base)
    except flows.PublishRefused as exc:
        return _editor(name, graph, base or 0, exc.by_node, exc.message), 409
    flash(_("Version %(v)d of %(name)s is live.", v=version, name=name))
    return redirect(url_for("admin.flow_edit", name=name))


@bp.post("/flows/<name>/rollback")
@role_required("admin")
def flow_rollback(name: str) -> Page:
    """Make an earlier version live again."""
    version = request.form.get("version", type=int) or 0
    if not csrf_valid(request.form.get("csrf_token")):
        flash(_("The form expired. Please try again."))
        return redirect(url_for("admin.flow_edit", name=name))
    try:
        flows.rollback(name, version)
    except flows.PublishRefused as exc:
        graph, number = flows.graph(name)
        return _editor(name, graph, number, exc.by_node, exc.message), 409
    flash(_("Version %(v)d of %(name)s is live again.", v=version, name=name))
    return redirect(url_for("admin.flow_edit", name=name))


def _fallback(form: Any) -> dict[str, Any]:
    """Return some graph to show when the form could not be read (the JSON as typed)."""
    try:
        return graph_from_json(form.get("graph_json", ""))
    except FlowFormError:
        return {}


def _simulate(graph: dict[str, Any], form: Any) -> dict[str, Any]:
    """Return the simulator's trace for the page, or why it could not run."""
    caller, keys, at = form.get("sim_caller", ""), form.get("sim_keys", ""), form.get("sim_at", "")
    try:
        trace = flows.run_simulation(graph, caller, keys, at)
    except Exception as exc:  # a broken graph or time: shown, the edits stay
        return {"error": _("The simulator stopped: %(why)s", why=exc)}
    return {"path": trace.path, "played": [p.prompt for p in trace.played], "end": trace.end,
            "variables": trace.variables}  # fmt: skip


def _editor(
    name: str,
    graph: dict[str, Any],
    base: int,
    by_node: dict[str, list[str]],
    message: str = "",
    simulation: dict[str, Any] | None = None,
) -> str:
    """Render the editor with graph, the problems on their nodes and the simulation."""
    nodes = nodes_of(graph)
    for node in nodes:
        node.errors = by_node.get(node.node_id, [])
    shown = {n.node_id for n in nodes}
    general = [m for node_id, ms in by_node.items() if node_id not in shown for m in ms]
    form = request.form
    return render_template(
        "admin/flow_edit.html", name=name, graph=graph, nodes=[*nodes, NodeForm("", "play", {})],
        base=base, general=general, message=message, simulation=simulation,
        versions=flows.versions(name), node_types=NODE_TYPES,
        graph_json=json.dumps(graph, indent=2, ensure_ascii=False),
        sim={"caller": form.get("sim_caller", ""), "digits": form.get("sim_keys", ""),
             "at": form.get("sim_at", "")},
    )  # fmt: skip
