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
#   (systemd) and the SSH host keys (the playbook's ssh.service drop-in, ansible/roles/base);
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
# The playbook's ssh.service drop-in makes host keys on the first boot (ansible/roles/base);
# none may travel in the image.
rm -f "$root"/etc/ssh/ssh_host_*

rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

if [[ -n "$reseller_key" ]]; then
    install -d -m 0755 "$root/etc/callbox"
    install -m 0644 "$reseller_key" "$root/etc/callbox/reseller.pub"
fi
echo "finish-root: $root is ready for mke2fs" >&2
