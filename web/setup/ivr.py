"""The wizard's IVR template: a greeting, then "press 1 for sales, 2 for support"."""

from __future__ import annotations

from typing import Any

from appliance.callflow.flow.templates import sales_and_support
from appliance.config import Settings
from web.setup import const, engine, services


def template_graph(sales: str, support: str, language: str) -> dict[str, Any]:
    """Return the flow graph: keys 1 and 2 lead to the two queues (built-in prompts)."""
    return sales_and_support(sales, support, language)


def save_ivr(settings: Settings, values: dict[str, Any]) -> str:
    """Route the number to the IVR and make the flow live; return "published" or "stored".

    Raises engine.FlowRefused when the engine finds the flow wrong.
    """
    graph = template_graph(values["sales"], values["support"], values["language"])
    # The route first: publishing reloads the engine's routes, and should find the number.
    created = services.route_number(values["number"], const.IVR_FLOW_NAME)
    try:
        how = engine.publish_flow(settings, const.IVR_FLOW_NAME, graph)
    except engine.FlowRefused:
        if created:  # leave no number pointing at a flow that did not go live
            services.unroute_number(values["number"])
        raise
    services.complete_step("ivr", {**values, "how": how})
    return how
