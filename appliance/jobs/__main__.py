"""Run the scheduler: `python -m appliance.jobs`."""

from __future__ import annotations

from appliance.jobs.scheduler import main

raise SystemExit(main())
