#!/usr/bin/env bash
# Print an image's manifest as JSON: its files (bytes, sha256) and what is in it (versions).
#
#   images/manifest.sh ROOT OUT_DIR WHEEL KEY BUILD_SECONDS > OUT_DIR/manifest.json
#
# ROOT is the finished root file system, OUT_DIR holds disk.img, vmlinuz and initrd.img.
set -euo pipefail

root=${1:?usage: images/manifest.sh ROOT OUT_DIR WHEEL KEY BUILD_SECONDS}
dir=${2:?}
wheel=${3:?}
key=${4:?}
seconds=${5:?}
repo=$(cd "$(dirname "$0")/.." && pwd)

deb() { dpkg-query --admindir="$root/var/lib/dpkg" -W -f '${Version}' "$1" 2>/dev/null || echo ""; }
commit=$(git -C "$repo" rev-parse --verify -q HEAD 2>/dev/null || echo "")
if [[ -n "$commit" ]] && [[ -n "$(git -C "$repo" status --porcelain 2>/dev/null)" ]]; then
    commit="$commit+changes"
fi

files=()
for name in disk.img vmlinuz initrd.img; do
    files+=("$name" "$(stat -c %s "$dir/$name")" "$(sha256sum "$dir/$name" | cut -d' ' -f1)")
done

python3 - "$key" "$seconds" "$commit" "$(basename "$wheel")" \
    "$(grep -m1 '^version' "$repo/pyproject.toml" | cut -d'"' -f2)" \
    "$(cat "$root/etc/debian_version")" "$(ls "$root"/boot/vmlinuz-* | sort -V | tail -n1 | sed 's/.*vmlinuz-//')" \
    "$(deb python3)" "$(deb kamailio)" "$(deb ansible-core)" "$(deb systemd)" \
    "$(du -s --block-size=1M "$root" | cut -f1)" "${files[@]}" <<'EOF'
import datetime
import json
import sys

(key, seconds, commit, wheel, version, debian, kernel, python3, kamailio, ansible, systemd,
 root_mb, *rest) = sys.argv[1:]
files = {rest[i]: {"bytes": int(rest[i + 1]), "sha256": rest[i + 2]} for i in range(0, len(rest), 3)}
manifest = {
    "built": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "build_seconds": int(seconds),
    "inputs_key": key,
    "commit": commit,
    "boot": {"kernel": "vmlinuz", "initrd": "initrd.img", "append": "root=/dev/vda console=ttyS0"},
    "files": files,
    "root_used_mb": int(root_mb),
    "versions": {
        "callbox": version,
        "pjsua2_wheel": wheel,
        "debian": debian,
        "kernel": kernel,
        "python3": python3,
        "kamailio": kamailio,
        "ansible_core": ansible,
        "systemd": systemd,
    },
}
json.dump(manifest, sys.stdout, indent=2)
print()
EOF
