"""Sign and verify profiles with the reseller's ed25519 key.

The signature covers the profile file's exact bytes and sits beside it as
``<profile>.sig``: the raw 64-byte signature in base64 on one line.  Keys are PEM
files: the private key (PKCS#8, mode 0600) stays with the reseller; the public key
(SubjectPublicKeyInfo) is baked into the image at `provisioning.public_key`.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from appliance.supervisor.statefile import write_atomic
from provisioning.profiles.exceptions import SignatureError

SIGNATURE_SUFFIX = ".sig"


def signature_path(profile: Path) -> Path:
    """Return where a profile's signature is kept."""
    return profile.with_name(profile.name + SIGNATURE_SUFFIX)


def generate_keys(private_path: Path, public_path: Path) -> None:
    """Write a new key pair; refuse to overwrite an existing private key."""
    if private_path.exists():
        raise SignatureError(f"{private_path} exists; refusing to replace a reseller key")
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())  # fmt: skip
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    write_atomic(private_path, private, 0o600)
    write_atomic(public_path, public, 0o644)


def sign(data: bytes, private_path: Path) -> str:
    """Return the base64 signature of data by the private key at private_path."""
    try:
        key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise SignatureError(f"cannot read the private key ({exc})", str(private_path)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SignatureError("not an ed25519 private key", str(private_path))
    return base64.b64encode(key.sign(data)).decode()


def load_public_key(path: Path) -> Ed25519PublicKey:
    """Return the reseller's public key; raise SignatureError when it is missing or wrong."""
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except OSError as exc:
        raise SignatureError(f"no reseller public key ({exc.strerror})", str(path)) from None
    except ValueError as exc:
        raise SignatureError(f"not a PEM public key ({exc})", str(path)) from None
    if not isinstance(key, Ed25519PublicKey):
        raise SignatureError("not an ed25519 public key", str(path))
    return key


def verify(data: bytes, signature: str, public_key: Ed25519PublicKey, source: str) -> None:
    """Return if signature is the reseller's over data; raise SignatureError otherwise."""
    try:
        raw = base64.b64decode(signature.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("the signature is not base64", source) from None
    try:
        public_key.verify(raw, data)
    except InvalidSignature:
        raise SignatureError(
            "the signature does not match: the profile was changed after signing, or signed "
            "with another reseller's key",
            source,
        ) from None
