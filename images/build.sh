#!/usr/bin/env bash
# Build the callbox appliance image: a Debian 12 ext4 root file system plus the kernel
# and initrd to boot it directly (QEMU -kernel/-initrd, or a boot loader you bring).
#
#   images/build.sh [--out DIR] [--size SIZE] [--reseller-key PUB] [--no-cache]
#                   [-- ANSIBLE_PLAYBOOK_OPTIONS...]
#
#   --out DIR           where disk.img, vmlinuz, initrd.img and manifest.json go
#                       (default images/out; replaced when the build succeeds)
#   --size SIZE         the file system's size, as mke2fs takes it (default: what the root
#                       holds plus a quarter and 2G: the box wants 1G free); grow it on the
#                       disk with resize2fs after writing it to a larger partition
#   --reseller-key PUB  bake this ed25519 public key in as /etc/callbox/reseller.pub: the
#                       box then applies zero-touch profiles signed with its private key
#                       (docs/provisioning.md)
#   --no-cache          build even if a finished image of the same inputs is cached
#   -- OPTIONS...       passed to the playbook (images/provision-root.sh), e.g.
#                       -- -e '{"callbox_trunk_networks": ["203.0.113.0/24"]}' for the
#                       carriers the firewall lets in (ansible/README.md lists the variables)
#
# Steps: images/rootfs.sh (mmdebstrap, its tarball cached) → images/provision-root.sh
# (the Ansible playbook inside the root, twice) → finish the root for a disk (fstab,
# serial console, the boot report on it, per-box identities removed) → kernel and initrd
# copied out, the initrd checked for the virtio and ext4 drivers → `mke2fs -d` (no loop
# mount, no mount at all) → manifest.json (sizes, sha256, versions).
#
# A finished image is cached under /var/cache/callbox/images/built/<key>, the key a hash of
# the working tree's files (tracked and untracked, not ignored), the pjsua2 wheel, the
# size and the reseller key; a build with the same inputs copies it.  Runs as root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cache=${CALLBOX_BUILD_CACHE:-/var/cache/callbox}/images
out=$here/out
size=""
reseller_key=""
use_cache=1
playbook_options=()

say() { echo "image-build: $*" >&2; }
die() { say "$*"; exit 1; }

while (($#)); do
    case "$1" in
        --out) out=${2:?--out needs a folder}; shift 2 ;;
        --size) size=${2:?--size needs a size (e.g. 4G)}; shift 2 ;;
        --reseller-key) reseller_key=${2:?--reseller-key needs a file}; shift 2 ;;
        --no-cache) use_cache=0; shift ;;
        --) shift; playbook_options=("$@"); break ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (--help lists them)" ;;
    esac
done

[[ -z "$size" || "$size" =~ ^[0-9]+[KMGT]?$ ]] || die "--size $size: give a number with K, M, G or T"
if [[ -n "$reseller_key" ]]; then
    [[ -f "$reseller_key" ]] || die "--reseller-key $reseller_key: no such file"
    grep -q 'BEGIN PUBLIC KEY' "$reseller_key" \
        || die "--reseller-key $reseller_key is not a PEM public key (callbox provision keygen)"
fi
[[ $(id -u) == 0 ]] || die "run as root (the root file system's files keep their owners)"
command -v mke2fs >/dev/null || "$repo/tools/install-debs.sh" e2fsprogs
out=$(mkdir -p "$(dirname "$out")" && cd "$(dirname "$out")" && pwd)/$(basename "$out")
started=$SECONDS

# The cache key: every file the image is made from, and the options.
wheel=$(PYTHON=python3 "$repo/tools/pjsua2/build.sh")
if ! git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    say "$repo is not a git working tree: its files cannot be listed for the cache key; building"
    use_cache=0
fi
key=$(
    cd "$repo"
    {
        git ls-files -z --cached --others --exclude-standard | sort -z \
            | xargs -0 -r sha256sum 2>/dev/null || true
        sha256sum "$wheel"
        echo "size=$size"
        printf 'playbook option %s\n' "${playbook_options[@]}"
        [[ -z "$reseller_key" ]] || sha256sum < "$reseller_key"
    } | sha256sum | cut -c1-16
)
built=$cache/built/$key
if ((use_cache)) && [[ -f "$built/manifest.json" ]]; then
    say "inputs unchanged: reusing $built"
else
    work=$(mkdir -p "$cache" && mktemp -d "$cache/work.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    root=$work/root
    step=$SECONDS
    "$here/rootfs.sh" "$root"
    say "root file system unpacked in $((SECONDS - step)) s"
    step=$SECONDS
    "$here/provision-root.sh" "$root" "${playbook_options[@]}"
    say "provisioned in $((SECONDS - step)) s"
    "$here/finish-root.sh" "$root" "$reseller_key"

    mkdir -p "$work/out"
    kernel=$(ls "$root"/boot/vmlinuz-* | sort -V | tail -n1)
    kversion=${kernel##*/vmlinuz-}
    [[ -f "$root/boot/initrd.img-$kversion" ]] || die "no initrd for kernel $kversion in the root"
    cp "$kernel" "$work/out/vmlinuz"
    cp "$root/boot/initrd.img-$kversion" "$work/out/initrd.img"
    modules=$(chroot "$root" lsinitramfs "/boot/initrd.img-$kversion")
    for driver in virtio_blk virtio_net virtio_pci ext4; do
        grep -q "/$driver\.ko" <<<"$modules" || die "the initrd lacks $driver.ko (initramfs-tools MODULES=most?)"
    done

    if [[ -z "$size" ]]; then
        used=$(du -s --block-size=1M "$root" | cut -f1)
        # The box alerts (and /healthz says degraded) below 1 GB free
        # (watchdog.disk_min_free_mb): leave 2 GB beyond what the root holds.
        mb=$((used + used / 4 + 2048))
        size=${mb}M
    fi
    step=$SECONDS
    mke2fs -q -t ext4 -L callbox-root -d "$root" "$work/out/disk.img" "$size" \
        || die "mke2fs failed: is $size too small for the root (du -sh $root)?"
    say "disk.img ($size) written in $((SECONDS - step)) s"

    "$here/manifest.sh" "$root" "$work/out" "$wheel" "$key" "$((SECONDS - started))" \
        > "$work/out/manifest.json"
    rm -rf "$built"
    mkdir -p "$cache/built"
    mv "$work/out" "$built"
    # Keep the three newest finished images: each is a few hundred MB on disk.
    ls -1dt "$cache"/built/*/ | tail -n +4 | xargs -r rm -rf
fi

rm -rf "$out.partial"
mkdir -p "$out.partial"
cp --sparse=always "$built"/{disk.img,vmlinuz,initrd.img,manifest.json} "$out.partial/"
rm -rf "$out"
mv "$out.partial" "$out"
say "done in $((SECONDS - started)) s: $out"
say "boot it: qemu-system-x86_64 -m 2048 -nographic -kernel $out/vmlinuz -initrd $out/initrd.img" \
    "-append 'root=/dev/vda console=ttyS0' -drive file=$out/disk.img,format=raw,if=virtio -snapshot"
