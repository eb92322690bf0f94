#!/usr/bin/env bash
# Make a provisioned root (images/provision-root.sh) ready to be a disk image.
#
#   images/finish-root.sh ROOT [RESELLER_PUBLIC_KEY]
#
# - /etc/fstab mounts the file system labelled callbox-root (mke2fs -L in build.sh) on /;
# - a login prompt on the serial console ttyS0 (the box may have no screen), and the
#   boot report (images/files/callbox-boot-report) printed there once boot is over;
# - callbox-address.service: the address the box gets (DHCP) written into callbox's
#   settings at every boot, before callbox starts (images/files/callbox-address);
# - per-box identities removed, made on each box's first boot instead: the machine id
#   (systemd) and the SSH host keys (ssh-keygen -A before sshd starts);
# - apt's downloaded packages and lists removed (the image does not need them);
# - the reseller's public key, if given, as /etc/callbox/reseller.pub.
# Runs as root; changes nothing outside ROOT.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=${1:?usage: images/finish-root.sh ROOT [RESELLER_PUBLIC_KEY]}
reseller_key=${2:-}

[[ -d "$root/etc/systemd" ]] || { echo "finish-root: $root is not a systemd root" >&2; exit 1; }

printf '# <file system>\t<mount point>\t<type>\t<options>\t<dump>\t<pass>\nLABEL=callbox-root\t/\text4\tdefaults,errors=remount-ro\t0\t1\n' \
    > "$root/etc/fstab"

wants=$root/etc/systemd/system/multi-user.target.wants
getty=$root/etc/systemd/system/getty.target.wants
mkdir -p "$wants" "$getty"
ln -sf /lib/systemd/system/serial-getty@.service "$getty/serial-getty@ttyS0.service"
for unit in callbox-boot-report callbox-address; do
    install -m 0755 "$here/files/$unit" "$root/usr/local/sbin/$unit"
    install -m 0644 "$here/files/$unit.service" "$root/etc/systemd/system/$unit.service"
    ln -sf "/etc/systemd/system/$unit.service" "$wants/$unit.service"
done

# An empty machine-id: systemd makes a new one on the first boot (and runs first-boot units).
: > "$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
if [[ -d "$root/etc/ssh" ]]; then
    rm -f "$root"/etc/ssh/ssh_host_*
    mkdir -p "$root/etc/systemd/system/ssh.service.d"
    # Debian's unit checks the configuration (sshd -t) first, which fails without keys:
    # the keys are made before that check.
    printf '%s\n' '# Host keys are made on the first boot: the image carries none (images/finish-root.sh).' \
        '[Service]' 'ExecStartPre=' 'ExecStartPre=/usr/bin/ssh-keygen -A' 'ExecStartPre=/usr/sbin/sshd -t' \
        > "$root/etc/systemd/system/ssh.service.d/callbox-host-keys.conf"
fi

rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

if [[ -n "$reseller_key" ]]; then
    install -d -m 0755 "$root/etc/callbox"
    install -m 0644 "$reseller_key" "$root/etc/callbox/reseller.pub"
fi
echo "finish-root: $root is ready for mke2fs" >&2
