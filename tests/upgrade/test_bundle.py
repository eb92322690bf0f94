"""Bundles: built, signed, verified; every way a bundle can be wrong is refused."""

from __future__ import annotations

import io
import re
import tarfile
from pathlib import Path

import pytest

from appliance.upgrade import bundle, release_tree, signing
from appliance.upgrade.bundle import BundleFile, Manifest
from appliance.upgrade.exceptions import BundleRefused, UpgradeError
from appliance.upgrade.releases import Releases

Keys = tuple[Path, Path]


def _release(root: Path, text: str = "v1") -> Path:
    """Write a tiny release tree: bin/callbox and a data file."""
    (root / "bin").mkdir(parents=True)
    (root / "bin" / "callbox").write_text("#!/bin/sh\necho tiny\n")
    (root / "bin" / "callbox").chmod(0o755)
    (root / "data.txt").write_text(text)
    return root


def _rewrite(source: Path, out: Path, change: dict[str, bytes | None]) -> Path:
    """Copy a bundle, replacing (or with None dropping) members; new names are added."""
    with tarfile.open(source) as tar, tarfile.open(out, "w") as dest:
        for member in tar.getmembers():
            if member.name in change:
                continue
            dest.addfile(member, tar.extractfile(member))
        for name, data in change.items():
            if data is not None:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                dest.addfile(info, io.BytesIO(data))
    return out


def test_a_signed_bundle_verifies_and_extracts_with_modes(keys: Keys, tmp_path: Path) -> None:
    key, trusted = keys
    path = bundle.build(_release(tmp_path / "tree"), "1.2.3", tmp_path / "b.tar", key)
    manifest, signer = bundle.verify(path, trusted)
    assert (manifest.version, signer) == ("1.2.3", "release-key.pub")
    assert sorted(f.path for f in manifest.files) == ["release/bin/callbox", "release/data.txt"]
    bundle.extract(path, manifest, tmp_path / "out")
    assert (tmp_path / "out" / "data.txt").read_text() == "v1"
    assert (tmp_path / "out" / "bin" / "callbox").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "out" / "data.txt").stat().st_mode & 0o777 == 0o644


def test_an_unsigned_bundle_is_refused_until_signed(keys: Keys, tmp_path: Path) -> None:
    key, trusted = keys
    path = bundle.build(_release(tmp_path / "tree"), "1.0", tmp_path / "b.tar")
    with pytest.raises(BundleRefused, match="nothing changed: the bundle is not signed"):
        bundle.verify(path, trusted)
    bundle.sign(path, key)
    assert bundle.verify(path, trusted)[0].version == "1.0"


def test_a_bundle_signed_by_an_untrusted_key_is_refused(keys: Keys, tmp_path: Path) -> None:
    _, trusted = keys
    stranger = tmp_path / "stranger"
    signing.keygen(stranger)
    path = bundle.build(_release(tmp_path / "tree"), "1.0", tmp_path / "b.tar", stranger)
    with pytest.raises(BundleRefused, match="signature is not from a key trusted in"):
        bundle.verify(path, trusted)
    with pytest.raises(BundleRefused, match=r"no trusted ed25519 keys \(\*.pub\)"):
        bundle.verify(path, tmp_path / "no-keys")


def test_a_changed_file_or_manifest_is_refused(keys: Keys, tmp_path: Path) -> None:
    key, trusted = keys
    path = bundle.build(_release(tmp_path / "tree"), "1.0", tmp_path / "b.tar", key)
    swapped = _rewrite(path, tmp_path / "swapped.tar", {"release/data.txt": b"v2"})
    with pytest.raises(
        BundleRefused, match=re.escape("release/data.txt does not match its sha256")
    ):
        bundle.verify(swapped, trusted)
    with tarfile.open(path) as tar:
        body = tar.extractfile("manifest.json").read()  # type: ignore[union-attr]
    forged = body.replace(b'"1.0"', b'"6.6.6"')
    renamed = _rewrite(path, tmp_path / "forged.tar", {"manifest.json": forged})
    with pytest.raises(BundleRefused, match="signature is not from a key trusted"):
        bundle.verify(renamed, trusted)


def test_extra_missing_and_unsafe_members_are_refused(keys: Keys, tmp_path: Path) -> None:
    key, trusted = keys
    path = bundle.build(_release(tmp_path / "tree"), "1.0", tmp_path / "b.tar", key)
    extra = _rewrite(path, tmp_path / "extra.tar", {"release/evil.sh": b"rm -rf /"})
    with pytest.raises(BundleRefused, match=re.escape("'release/evil.sh' is not in the manifest")):
        bundle.verify(extra, trusted)
    missing = _rewrite(path, tmp_path / "missing.tar", {"release/data.txt": None})
    with pytest.raises(BundleRefused, match=re.escape("'release/data.txt' is missing")):
        bundle.verify(missing, trusted)
    files = [
        BundleFile("release/../../etc/passwd", 1, "0" * 64, 0o644),
        BundleFile("release/bin/callbox", 1, "0" * 64, 0o755),
    ]
    sneaky = Manifest("1.0", 0.0, files)
    body = sneaky.to_bytes()
    traversal = _rewrite(
        path, tmp_path / "traversal.tar",
        {"manifest.json": body, "manifest.sig": signing.sign(body, key)},
    )  # fmt: skip
    with pytest.raises(BundleRefused, match=re.escape("unsafe path 'release/../../etc/passwd'")):
        bundle.verify(traversal, trusted)


def test_garbage_and_bad_versions_are_refused(keys: Keys, tmp_path: Path) -> None:
    key, trusted = keys
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"this is no tar" * 100)
    with pytest.raises(BundleRefused, match="not a bundle"):
        bundle.verify(junk, trusted)
    with pytest.raises(BundleRefused, match=re.escape("version '../x' is not a release name")):
        bundle.build(_release(tmp_path / "tree"), "../x", tmp_path / "b.tar", key)
    (tmp_path / "empty").mkdir()
    with pytest.raises(UpgradeError, match="needs an executable bin/callbox"):
        bundle.build(tmp_path / "empty", "1.0", tmp_path / "b.tar", key)
    with pytest.raises(UpgradeError, match="exists: choose another name"):
        signing.keygen(key)


def test_releases_switch_atomically_and_back(keys: Keys, tmp_path: Path) -> None:
    key, trusted = keys
    releases = Releases(tmp_path / "opt")
    assert releases.current() is None
    for version, text in (("1.0", "one"), ("2.0", "two")):
        path = bundle.build(
            _release(tmp_path / version, text), version, tmp_path / f"{version}.tar", key
        )
        releases.install(path, bundle.verify(path, trusted)[0])
    releases.switch("2.0")
    assert releases.current() == "2.0"
    assert (tmp_path / "opt" / "current" / "data.txt").read_text() == "two"
    releases.switch("1.0")
    assert (tmp_path / "opt" / "current" / "data.txt").read_text() == "one"
    assert releases.installed() == ["1.0", "2.0"]
    assert [p.name for p in (tmp_path / "opt").iterdir() if p.name.startswith(".")] == []
    releases.switch(None)
    assert releases.current() is None


def test_a_release_tree_needs_a_checkout_and_a_new_folder(tmp_path: Path) -> None:
    (tmp_path / "not-a-checkout").mkdir()
    with pytest.raises(UpgradeError, match="not a callbox source tree"):
        release_tree.from_source(tmp_path / "not-a-checkout", tmp_path / "tree", "1.0")
    (tmp_path / "taken").mkdir()
    checkout = Path(__file__).resolve().parents[2]
    with pytest.raises(UpgradeError, match="exists: give a new folder"):
        release_tree.from_source(checkout, tmp_path / "taken", "1.0")
    tree = release_tree.from_source(checkout, tmp_path / "tree", "1.0", ("appliance",))
    assert '__version__ = "1.0"' in (tree / "appliance" / "__init__.py").read_text()
    assert not list(tree.rglob("__pycache__"))
