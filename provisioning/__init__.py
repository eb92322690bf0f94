"""Unit profiles for resellers, zero-touch first boot and IP-phone templates (issue 8)."""
