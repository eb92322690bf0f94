"""Fixtures of the upgrade tests: a signing key, the folder of keys a box trusts."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.upgrade import signing


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return (private key, trusted folder holding its public key)."""
    root = tmp_path_factory.mktemp("keys")
    public = signing.keygen(root / "release-key")
    trusted = root / "trusted"
    trusted.mkdir()
    (trusted / public.name).write_bytes(public.read_bytes())
    return root / "release-key", trusted
