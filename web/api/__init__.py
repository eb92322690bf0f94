"""The REST API, version 1 (bearer-token authentication)."""
