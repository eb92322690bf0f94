"""Routing strategies: how a queue picks one of its available agents.

One module per strategy; each subclass of `Strategy` registers itself under its
``name`` when its module is imported (all modules here are imported below).
"""

from __future__ import annotations

import importlib
import pkgutil

from appliance.callflow.strategies.base import STRATEGIES, Caller, Candidate, Strategy, get

for _info in pkgutil.iter_modules(__path__):
    if _info.name != "base":
        importlib.import_module(f"{__name__}.{_info.name}")

__all__ = ["STRATEGIES", "Caller", "Candidate", "Strategy", "get"]
