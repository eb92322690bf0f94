"""The box's health for monitors: GET /healthz."""
