"""Run the watchdog: `python -m appliance.health`."""

from __future__ import annotations

from appliance.health.watchdog import main

raise SystemExit(main())
