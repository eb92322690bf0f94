"""The scheduler process and its jobs (APScheduler)."""
