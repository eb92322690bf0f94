"""Reseller unit profiles: one YAML file describes a box; validate, diff, apply, sign."""
