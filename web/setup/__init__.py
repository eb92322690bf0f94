"""The first-run wizard: setup token, admin, language, trunk, agents, queue, IVR, checklist."""
