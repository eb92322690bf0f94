"""Ed25519 keys and signatures over a bundle's manifest (the `cryptography` library).

The private key stays with whoever builds releases; each box trusts the public keys
(`*.pub`, PEM) in its `upgrade.keys` folder.  A bundle is accepted if any of them
verifies its signature.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from appliance.upgrade.exceptions import UpgradeError


def keygen(private_path: Path) -> Path:
    """Write a new private key (mode 0600) and its `.pub` beside it; return the public path."""
    if private_path.exists():
        raise UpgradeError(f"{private_path} exists: choose another name (keys are not replaced)")
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as stream:
        stream.write(private)
    public_path = private_path.with_name(private_path.name + ".pub")
    public_path.write_bytes(public)
    return public_path


def sign(data: bytes, private_path: Path) -> bytes:
    """Return the ed25519 signature of data with the private key in private_path."""
    try:
        key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise UpgradeError(f"{private_path}: not a private key in PEM ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UpgradeError(f"{private_path}: not an ed25519 key (make one: callbox bundle keygen)")
    return key.sign(data)


def trusted_keys(folder: Path) -> dict[str, Ed25519PublicKey]:
    """Return the ed25519 public keys in folder's *.pub files, by file name."""
    keys = {}
    for path in sorted(folder.glob("*.pub")) if folder.is_dir() else []:
        try:
            key = serialization.load_pem_public_key(path.read_bytes())
        except (ValueError, TypeError):
            continue  # a stray file is not a trusted key; verify() says when none is left
        if isinstance(key, Ed25519PublicKey):
            keys[path.name] = key
    return keys


def verify(data: bytes, signature: bytes, folder: Path) -> str | None:
    """Return the name of the trusted key that signed data, or None if none did."""
    for name, key in trusted_keys(folder).items():
        try:
            key.verify(signature, data)
        except InvalidSignature:
            continue
        return name
    return None
