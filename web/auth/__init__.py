"""Logging in to the web UI and checking API tokens."""
