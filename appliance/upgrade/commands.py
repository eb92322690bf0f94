"""`callbox upgrade BUNDLE` and `callbox bundle keygen | build | sign | verify`."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from appliance.config import load
from appliance.upgrade import bundle, manager, release_tree, signing

PathArg = click.Path(path_type=Path)
FOLDER = click.Path(file_okay=False, exists=True, path_type=Path)
FILE = click.Path(dir_okay=False, exists=True, path_type=Path)


@click.command("upgrade")
@click.argument("path", metavar="BUNDLE", type=click.Path(dir_okay=False, path_type=Path))
def upgrade(path: Path) -> None:
    """Upgrade to a signed BUNDLE; roll back if the box is not healthy in time."""
    version = manager.upgrade(load(), path.absolute(), click.echo)
    click.echo(f"upgraded to callbox {version}")


@click.group("bundle")
def bundle_group() -> None:
    """Make and check upgrade bundles (docs/upgrade.md)."""


@bundle_group.command("keygen")
@click.argument("private_key", type=PathArg)
def keygen(private_key: Path) -> None:
    """Write a new ed25519 signing key and PRIVATE_KEY.pub (copy it to the boxes' keys)."""
    public = signing.keygen(private_key)
    click.echo(f"private key {private_key} (keep it secret); public key {public}")


@bundle_group.command("build")
@click.argument("out", type=PathArg)
@click.option("--version", "version", required=True, help="The release's version.")
@click.option("--release", type=FOLDER, help="A release tree (with bin/callbox) to pack as is.")
@click.option("--from-source", type=FOLDER, help="A callbox checkout to make the release of.")
@click.option("--key", type=FILE, help="Sign with this private key (or later: `bundle sign`).")
def build(
    out: Path, version: str, release: Path | None, from_source: Path | None, key: Path | None
) -> None:
    """Write bundle OUT of a release tree or a source checkout."""
    if (release is None) == (from_source is None):
        raise click.UsageError("give exactly one of --release and --from-source")
    with tempfile.TemporaryDirectory(prefix="callbox-release-") as work:
        if from_source is not None:
            release = release_tree.from_source(from_source, Path(work) / "tree", version)
        assert release is not None
        bundle.build(release, version, out, key)
    click.echo(f"{out} ({out.stat().st_size} bytes){'' if key else ', not signed yet'}")


@bundle_group.command("sign")
@click.argument(
    "path", metavar="BUNDLE", type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option("--key", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
def sign(path: Path, key: Path) -> None:
    """Sign BUNDLE's manifest with a private key (replacing any signature)."""
    bundle.sign(path, key)
    click.echo(f"{path} signed with {key}")


@bundle_group.command("verify")
@click.argument("path", metavar="BUNDLE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--keys", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of trusted *.pub keys (default: the setting upgrade.keys).")  # fmt: skip
def verify(path: Path, keys: Path | None) -> None:
    """Check BUNDLE's signature and sums as `callbox upgrade` would."""
    manifest, signer = bundle.verify(path, keys or Path(load().upgrade.keys))
    click.echo(f"{path.name}: ok — callbox {manifest.version}, {len(manifest.files)} files, "
               f"signed by {signer}")  # fmt: skip
