"""Upgrade bundles: a tar of `manifest.json`, `manifest.sig` and the release tree.

The manifest lists every file of the release (`release/...`) with its size, sha256
and mode, and the release's version; the signature is ed25519 over the manifest's
exact bytes.  `verify` checks the signature before reading anything else, then that
the tar holds exactly the manifest's files — regular files under `release/`, no links,
no `..` — with the listed sums; `extract` checks every sum again as it writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from appliance.upgrade import signing
from appliance.upgrade.const import (
    BUNDLE_FORMAT,
    ENTRY_POINT,
    MANIFEST_NAME,
    PAYLOAD_DIR,
    SIGNATURE_NAME,
    VERSION_PATTERN,
)
from appliance.upgrade.exceptions import BundleRefused, UpgradeError

SKIPPED = ("__pycache__", "node_modules", ".mypy_cache", ".ruff_cache", ".pytest_cache")


@dataclass(frozen=True)
class BundleFile:
    """One file of the release: its path in the bundle, size, sum and mode."""

    path: str
    size: int
    sha256: str
    mode: int


@dataclass(frozen=True)
class Manifest:
    """What a bundle holds."""

    version: str
    created: float
    files: list[BundleFile]
    format: int = BUNDLE_FORMAT

    def to_bytes(self) -> bytes:
        """Return the manifest as the JSON bytes that are signed."""
        return json.dumps(asdict(self), indent=1, sort_keys=True).encode() + b"\n"

    @classmethod
    def parse(cls, data: bytes, bundle: str) -> Manifest:
        """Return the manifest in data, or raise BundleRefused saying what is wrong."""
        try:
            raw = json.loads(data)
            files = [BundleFile(**entry) for entry in raw["files"]]
            manifest = cls(str(raw["version"]), float(raw["created"]), files, int(raw["format"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise BundleRefused(bundle, f"malformed manifest ({exc})") from None
        if manifest.format != BUNDLE_FORMAT:
            raise BundleRefused(bundle, f"bundle format {manifest.format} is not {BUNDLE_FORMAT}")
        check_version(manifest.version, bundle)
        return manifest


def check_version(version: str, bundle: str) -> None:
    """Raise BundleRefused unless version is a safe folder name."""
    if not VERSION_PATTERN.match(version) or version in (".", ".."):
        raise BundleRefused(bundle, f"version {version!r} is not a release name")


def build(release: Path, version: str, out: Path, key: Path | None = None) -> Path:
    """Write a bundle of the release tree (signed if a key is given) and return its path."""
    check_version(version, str(out))
    if not (release / ENTRY_POINT).is_file() or not os.access(release / ENTRY_POINT, os.X_OK):
        raise UpgradeError(f"{release}: a release needs an executable {ENTRY_POINT}")
    paths = _release_files(release)
    entries = [
        _entry(path, f"{PAYLOAD_DIR}/{path.relative_to(release).as_posix()}") for path in paths
    ]
    manifest = Manifest(version, time.time(), entries)
    body = manifest.to_bytes()
    signature = signing.sign(body, key) if key is not None else b""
    with _atomic(out) as stream, tarfile.open(fileobj=stream, mode="w") as tar:
        _add_bytes(tar, MANIFEST_NAME, body)
        if signature:
            _add_bytes(tar, SIGNATURE_NAME, signature)
        for path, entry in zip(paths, entries, strict=True):
            info = tarfile.TarInfo(entry.path)
            info.size, info.mode, info.mtime = entry.size, entry.mode, int(manifest.created)
            with path.open("rb") as data:
                tar.addfile(info, data)
    return out


def sign(bundle: Path, key: Path) -> None:
    """Sign (or sign again) a bundle's manifest with key, rewriting the bundle atomically."""
    with tarfile.open(bundle) as tar:
        body = _read_member(tar, MANIFEST_NAME, str(bundle))
        Manifest.parse(body, str(bundle))
        signature = signing.sign(body, key)
        with _atomic(bundle) as stream, tarfile.open(fileobj=stream, mode="w") as out:
            _add_bytes(out, MANIFEST_NAME, body)
            _add_bytes(out, SIGNATURE_NAME, signature)
            for member in tar.getmembers():
                if member.name not in (MANIFEST_NAME, SIGNATURE_NAME):
                    out.addfile(member, tar.extractfile(member))


def verify(bundle: Path, keys: Path) -> tuple[Manifest, str]:
    """Return the manifest and the trusted key that signed it; raise BundleRefused if not."""
    name = str(bundle)
    with _open(bundle) as tar:
        body = _read_member(tar, MANIFEST_NAME, name)
        signature = _read_member(tar, SIGNATURE_NAME, name)
        if not signing.trusted_keys(keys):
            raise BundleRefused(name, f"no trusted ed25519 keys (*.pub) in {keys}")
        signer = signing.verify(body, signature, keys)
        if signer is None:
            raise BundleRefused(name, f"its signature is not from a key trusted in {keys}")
        manifest = Manifest.parse(body, name)
        _check_members(tar, manifest, name)
        for entry in manifest.files:
            _check_sum(tar, entry, name, io.BytesIO())  # read and hashed, not kept
    return manifest, signer


def extract(bundle: Path, manifest: Manifest, dest: Path) -> None:
    """Write the release tree of a verified bundle into dest, checking every sum again."""
    name = str(bundle)
    with tarfile.open(bundle) as tar:
        _check_members(tar, manifest, name)
        for entry in manifest.files:
            target = dest / PurePosixPath(entry.path).relative_to(PAYLOAD_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as out:
                _check_sum(tar, entry, name, out)
            target.chmod(entry.mode & 0o755)


def _open(bundle: Path) -> tarfile.TarFile:
    """Return the bundle opened as a tar, or raise BundleRefused if it is not one."""
    try:
        return tarfile.open(bundle)
    except (tarfile.TarError, OSError) as exc:
        raise BundleRefused(str(bundle), f"not a bundle ({exc})") from None


def _release_files(release: Path) -> list[Path]:
    """Return the regular files of a release tree, sorted, caches left out."""
    files = []
    for path in sorted(release.rglob("*")):
        relative = path.relative_to(release)
        if any(part in SKIPPED for part in relative.parts) or path.suffix == ".pyc":
            continue
        if path.is_symlink():
            raise UpgradeError(f"{path}: a release holds no symbolic links")
        if path.is_file():
            files.append(path)
    return files


def _entry(path: Path, name: str) -> BundleFile:
    """Return the manifest entry of one release file."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    mode = 0o755 if os.access(path, os.X_OK) else 0o644
    return BundleFile(name, path.stat().st_size, digest, mode)


def _check_members(tar: tarfile.TarFile, manifest: Manifest, bundle: str) -> None:
    """Raise BundleRefused unless the tar holds exactly the manifest's files, all safe."""
    listed = {entry.path for entry in manifest.files}
    for entry in manifest.files:
        parts = PurePosixPath(entry.path).parts
        if parts[0] != PAYLOAD_DIR or ".." in parts or len(parts) < 2 or entry.path.startswith("/"):
            raise BundleRefused(bundle, f"unsafe path {entry.path!r} in the manifest")
    if f"{PAYLOAD_DIR}/{ENTRY_POINT}" not in listed:
        raise BundleRefused(bundle, f"the release has no {ENTRY_POINT}")
    members = {m.name: m for m in tar.getmembers() if m.name not in (MANIFEST_NAME, SIGNATURE_NAME)}
    extra = sorted(set(members) - listed)
    missing = sorted(listed - set(members))
    if extra or missing:
        what = f"{extra[0]!r} is not in the manifest" if extra else f"{missing[0]!r} is missing"
        raise BundleRefused(bundle, what)
    odd = [name for name, member in members.items() if not member.isfile()]
    if odd:
        raise BundleRefused(bundle, f"{odd[0]!r} is not a regular file")


def _check_sum(tar: tarfile.TarFile, entry: BundleFile, bundle: str, out: IO[bytes]) -> None:
    """Copy a member to out, raising BundleRefused if its size or sha256 differ."""
    stream = tar.extractfile(entry.path)
    assert stream is not None  # _check_members saw a regular file
    digest, size = hashlib.sha256(), 0
    while block := stream.read(1 << 20):
        digest.update(block)
        size += len(block)
        out.write(block)
    if size != entry.size or digest.hexdigest() != entry.sha256:
        raise BundleRefused(bundle, f"{entry.path} does not match its sha256 in the manifest")


def _read_member(tar: tarfile.TarFile, member: str, bundle: str) -> bytes:
    """Return a small regular member's bytes, or raise BundleRefused if it is absent."""
    try:
        info = tar.getmember(member)
    except KeyError:
        missing = "is not signed" if member == SIGNATURE_NAME else f"has no {member}"
        raise BundleRefused(bundle, f"the bundle {missing}") from None
    stream = tar.extractfile(info) if info.isfile() and info.size < 16 << 20 else None
    if stream is None:
        raise BundleRefused(bundle, f"{member} is not a small regular file")
    return stream.read()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    """Add a file of the given bytes to the tar."""
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o644, int(time.time())
    tar.addfile(info, io.BytesIO(data))


@contextlib.contextmanager
def _atomic(final: Path) -> Iterator[IO[bytes]]:
    """Yield a file beside final, renamed onto it when the block succeeds."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", dir=final.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
