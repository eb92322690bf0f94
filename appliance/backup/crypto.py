"""Encrypt an archive with a passphrase the owner keeps: scrypt, then AES-256-GCM in chunks.

The file is a header (magic, scrypt salt and cost, a random nonce prefix) and chunks of
at most 1 MiB, each sealed with AES-GCM (`cryptography`, a maintained library) under a
nonce of prefix + chunk counter + a last-chunk flag, the header as associated data —
the STREAM construction: chunks cannot be reordered, dropped or the file cut short
without the last chunk failing to open.  A wrong passphrase fails on the first chunk.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from appliance.backup.exceptions import ArchiveRefused, WrongPassphrase

MAGIC = b"CALLBOX-ENC1\n"
CHUNK = 1 << 20
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1  # about 32 MiB and 0.1 s: OWASP's floor
HEADER = struct.Struct(f"{len(MAGIC)}s16sBBB7s")


def is_encrypted(path: Path) -> bool:
    """Return true if the file starts like an encrypted archive."""
    with path.open("rb") as stream:
        return stream.read(len(MAGIC)) == MAGIC


def _key(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    """Return the AES key the passphrase gives with this salt and cost."""
    if not passphrase:
        raise WrongPassphrase("the archive is encrypted: give its passphrase")
    kdf = Scrypt(salt=salt, length=32, n=1 << log2_n, r=r, p=p)
    return kdf.derive(passphrase.encode())


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    """Return the nonce of one chunk."""
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


def encrypt(source: Path, target: BinaryIO, passphrase: str) -> None:
    """Write source to target encrypted with passphrase."""
    salt, prefix = os.urandom(16), os.urandom(7)
    header = HEADER.pack(MAGIC, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, prefix)
    aead = AESGCM(_key(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P))
    target.write(header)
    with source.open("rb") as plain:
        chunk, counter = plain.read(CHUNK), 0
        while True:
            following = plain.read(CHUNK)
            sealed = aead.encrypt(_nonce(prefix, counter, not following), chunk, header)
            target.write(struct.pack(">I", len(sealed)) + sealed)
            if not following:
                return
            chunk, counter = following, counter + 1


def decrypt(source: Path, target: BinaryIO, passphrase: str) -> None:
    """Write the plain archive of an encrypted source to target, or raise why not."""
    with source.open("rb") as sealed:
        header = sealed.read(HEADER.size)
        if len(header) < HEADER.size or not header.startswith(MAGIC):
            raise ArchiveRefused("the archive is not a callbox encrypted archive")
        _, salt, log2_n, r, p, prefix = HEADER.unpack(header)
        if not (10 <= log2_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
            raise ArchiveRefused("the archive's key parameters are out of range")
        aead, counter = AESGCM(_key(passphrase, salt, log2_n, r, p)), 0
        while True:
            chunk = _open_chunk(sealed, aead, prefix, counter, header)
            target.write(chunk[0])
            if chunk[1]:
                return
            counter += 1


def _open_chunk(
    sealed: BinaryIO, aead: AESGCM, prefix: bytes, counter: int, header: bytes
) -> tuple[bytes, bool]:
    """Return one chunk's plain bytes and whether it is the last; raise if it does not open."""
    size = sealed.read(4)
    if len(size) < 4:
        raise ArchiveRefused("the encrypted archive is cut short")
    body = sealed.read(struct.unpack(">I", size)[0])
    for last in (False, True):
        try:
            plain = aead.decrypt(_nonce(prefix, counter, last), body, header)
        except InvalidTag:
            continue
        if last and sealed.read(1):
            raise ArchiveRefused("the encrypted archive has data after its end")
        return plain, last
    if counter == 0:
        raise WrongPassphrase("the passphrase does not open this archive (or its start is damaged)")
    raise ArchiveRefused("the encrypted archive was changed or damaged")
