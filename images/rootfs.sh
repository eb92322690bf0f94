#!/usr/bin/env bash
# Make a Debian 12 (bookworm) root file system for the appliance image in OUT_DIR.
#
#   images/rootfs.sh OUT_DIR
#
# mmdebstrap builds it once into a tarball cached under /var/cache/callbox/images/,
# keyed by a hash of this script (which holds the package list); later calls only unpack
# the cached tarball.  OUT_DIR must be missing or empty.  Runs as root (the files keep
# their owners).  The root holds what the Ansible playbook needs to run inside it with a
# local connection (python3, python3-apt, ansible-core) and the Debian packages callbox
# runs on, so provisioning it (images/provision-root.sh) needs no apt download.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${CALLBOX_BUILD_CACHE:-/var/cache/callbox}/images
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
out=${1:?usage: images/rootfs.sh OUT_DIR}

packages=(
    # boot and system
    systemd systemd-sysv systemd-timesyncd udev dbus kmod linux-image-amd64
    initramfs-tools iproute2 ca-certificates locales tzdata openssh-server
    # Ansible with a local connection
    python3 python3-venv python3-apt ansible-core
    # what the playbook's roles install (Makefile's DEBS_RUN + firewall and logs)
    kamailio kamailio-sqlite-modules espeak-ng sox libsox-fmt-mp3 sqlite3
    nftables logrotate curl
    # the pjsua2 wheel's libraries
    libspeex1 libspeexdsp1 libgsm1 libopus0 libssl3 libuuid1 libstdc++6
)

say() { echo "rootfs: $*" >&2; }

[[ $(id -u) == 0 ]] || { say "run as root (the root's files keep their owners)"; exit 1; }
if [[ -e "$out" ]] && [[ -n "$(ls -A "$out")" ]]; then
    say "$out is not empty"
    exit 1
fi
command -v mmdebstrap >/dev/null || "$here/../tools/install-debs.sh" mmdebstrap

key=$(sha256sum "$here/rootfs.sh" | cut -c1-12)
tarball="$cache/rootfs-bookworm-$key.tar"
if [[ ! -f "$tarball" ]]; then
    mkdir -p "$cache"
    say "building $tarball (mmdebstrap from $mirror)"
    partial=$(mktemp "$tarball.XXXXXX")
    trap 'rm -f "$partial"' EXIT
    # DHCP on the first NIC through systemd-networkd; Debian's kamailio service is off
    # (callbox runs Kamailio as its own unit with the config it renders).
    mmdebstrap --variant=apt --format=tar --mode=root \
        --include="$(IFS=,; echo "${packages[*]}")" \
        --customize-hook='echo callbox > "$1/etc/hostname"' \
        --customize-hook='printf "127.0.0.1\tlocalhost\n127.0.1.1\tcallbox\n" > "$1/etc/hosts"' \
        --customize-hook='printf "[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\n" > "$1/etc/systemd/network/20-dhcp.network"' \
        --customize-hook='chroot "$1" systemctl enable systemd-networkd systemd-timesyncd' \
        --customize-hook='chroot "$1" systemctl disable kamailio' \
        bookworm "$partial" "$mirror"
    chmod 644 "$partial"
    mv "$partial" "$tarball"
    trap - EXIT
fi

mkdir -p "$out"
tar --numeric-owner --xattrs --xattrs-include='*' -xpf "$tarball" -C "$out"
say "unpacked $tarball into $out"
