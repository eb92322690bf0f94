"""Upgrades: signed bundles, releases side by side, rollback when unhealthy (docs/upgrade.md)."""
