"""Signatures: a reseller's key signs a profile; a tampered profile or another key is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from profile_support import example_text

from provisioning.profiles import signing
from provisioning.profiles.exceptions import SignatureError


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    """Return a fresh key pair's private and public key files."""
    private, public = tmp_path / "reseller.key", tmp_path / "reseller.pub"
    signing.generate_keys(private, public)
    return private, public


def test_a_signed_profile_verifies(keys: tuple[Path, Path]) -> None:
    """The signature made with the private key matches under the public key."""
    data = example_text().encode()
    signature = signing.sign(data, keys[0])
    signing.verify(data, signature, signing.load_public_key(keys[1]), "unit.yml")
    assert keys[0].stat().st_mode & 0o777 == 0o600


def test_a_tampered_profile_is_refused(keys: tuple[Path, Path]) -> None:
    """One changed character after signing breaks the signature."""
    data = example_text().encode()
    signature = signing.sign(data, keys[0])
    tampered = data.replace(b"strategy: ring_all", b"strategy: ring_alL")
    with pytest.raises(SignatureError, match="does not match"):
        signing.verify(tampered, signature, signing.load_public_key(keys[1]), "unit.yml")


def test_another_resellers_key_is_refused(keys: tuple[Path, Path], tmp_path: Path) -> None:
    """A profile signed with another key does not verify under the baked-in one."""
    other_private, other_public = tmp_path / "other.key", tmp_path / "other.pub"
    signing.generate_keys(other_private, other_public)
    data = example_text().encode()
    signature = signing.sign(data, other_private)
    with pytest.raises(SignatureError, match="another reseller's key"):
        signing.verify(data, signature, signing.load_public_key(keys[1]), "unit.yml")


@pytest.mark.parametrize("signature", ["not base64 !", "", "AAAA"])
def test_a_malformed_signature_is_refused(keys: tuple[Path, Path], signature: str) -> None:
    """Garbage, empty or short signatures are refused, never accepted."""
    with pytest.raises(SignatureError):
        signing.verify(b"x", signature, signing.load_public_key(keys[1]), "unit.yml")


def test_a_missing_or_wrong_public_key_is_refused(keys: tuple[Path, Path], tmp_path: Path) -> None:
    """No key file, or a private key where the public one should be, is a clear error."""
    with pytest.raises(SignatureError, match="no reseller public key"):
        signing.load_public_key(tmp_path / "absent.pub")
    with pytest.raises(SignatureError):
        signing.load_public_key(keys[0])


def test_keygen_never_replaces_a_private_key(keys: tuple[Path, Path]) -> None:
    """Generating over an existing key is refused and the key is kept."""
    before = keys[0].read_bytes()
    with pytest.raises(SignatureError, match="refusing"):
        signing.generate_keys(keys[0], keys[1])
    assert keys[0].read_bytes() == before
