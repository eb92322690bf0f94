#!/usr/bin/env bash
# Install callbox into a Debian 12 root (made by images/rootfs.sh) with the Ansible playbook.
#
#   images/provision-root.sh ROOT [ansible-playbook options, e.g. -e callbox_timezone=UTC]
#   CALLBOX_PROFILE=unit.yml images/provision-root.sh ROOT   # a unit profile applied too
#
# Copies this working tree (without .venv, .git, var) to ROOT/opt/callbox/provision and
# the pjsua2 wheel (tools/pjsua2/build.sh, cached) beside it, then runs
# `ansible-playbook -c local site.yml -e callbox_image_build=true` in the chroot twice:
# the second run must report changed=0, or the script fails (the playbook is idempotent).
# In a chroot no service starts: the roles enable the units; the first boot starts them.
# Runs as root.  Prints each run's recap and the time taken.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
root=${1:?usage: images/provision-root.sh ROOT [ansible-playbook options]}
shift
root=$(cd "$root" && pwd)
stage=/opt/callbox/provision  # inside the root

say() { echo "provision-root: $*" >&2; }

[[ $(id -u) == 0 ]] || { say "run as root (chroot)"; exit 1; }
[[ -x "$root/usr/bin/ansible-playbook" ]] || {
    say "$root has no ansible-playbook: make it with images/rootfs.sh"
    exit 1
}

wheel=$(PYTHON=python3 "$repo/tools/pjsua2/build.sh")
"$repo/tools/web-assets.sh"  # the web UI's vendored libraries are not in git

say "copying $repo to $root$stage"
rm -rf "$root$stage"
mkdir -p "$root$stage/wheels"
tar -C "$repo" --exclude=./.venv --exclude=./.git --exclude=./var --exclude='*.egg-info' \
    --exclude=./web/node_modules --exclude='__pycache__' --exclude=./.mypy_cache \
    --exclude=./.ruff_cache -cf - . | tar -C "$root$stage" -xf -
cp "$wheel" "$root$stage/wheels/"
extra=(-e callbox_image_build=true -e "callbox_pjsua2_wheel=$stage/wheels/$(basename "$wheel")")
if [[ -n "${CALLBOX_PROFILE:-}" ]]; then
    cp "$CALLBOX_PROFILE" "$root$stage/profile.yml"
    extra+=(-e "callbox_profile=$stage/profile.yml")
fi

# The chroot needs /proc, /sys, /dev and name resolution (pip installs from PyPI);
# policy-rc.d stops a package's maintainer script from starting a daemon in it.
mounted=()
cleanup() {
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" || true; done
    rm -f "$root/usr/sbin/policy-rc.d"
    if [[ -e "$root/etc/resolv.conf.callbox-saved" ]]; then
        mv -f "$root/etc/resolv.conf.callbox-saved" "$root/etc/resolv.conf"
    else
        rm -f "$root/etc/resolv.conf"
    fi
}
trap cleanup EXIT
for fs in proc sys dev dev/pts; do
    mount --bind "/$fs" "$root/$fs"
    mounted+=("$root/$fs")
done
if [[ -e "$root/etc/resolv.conf" || -L "$root/etc/resolv.conf" ]]; then
    mv "$root/etc/resolv.conf" "$root/etc/resolv.conf.callbox-saved"
fi
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
# The build host's CA bundle for the run: a host behind a TLS-inspecting proxy trusts a
# CA the fresh root does not (the root's own bundle is back once unmounted).
bundle=/etc/ssl/certs/ca-certificates.crt
if [[ -f $bundle && -f $root$bundle ]]; then
    mount --bind -o ro "$bundle" "$root$bundle"
    mounted+=("$root$bundle")
fi
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

run_playbook() {
    # A clean environment: the host's (pip's settings, say) has no meaning in the root.
    chroot "$root" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LC_ALL=C.UTF-8 TERM=dumb ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
        PIP_CERT=$bundle ansible-playbook -c local -i localhost, "$stage/ansible/site.yml" \
        "${extra[@]}" "$@"
}

for pass in 1 2; do
    started=$SECONDS
    log="$root/var/log/callbox-provision-$pass.log"  # outside $stage: the source it packs
    say "ansible-playbook run $pass (log /var/log/callbox-provision-$pass.log in the root)"
    if ! run_playbook "$@" > "$log" 2>&1; then
        tail -n 40 "$log" >&2
        say "run $pass failed"
        exit 1
    fi
    recap=$(grep -A2 '^PLAY RECAP' "$log" | grep 'localhost')
    say "run $pass took $((SECONDS - started)) s: $recap"
done
if ! grep -Eq 'changed=0 .*failed=0' <<<"$recap"; then
    grep -B1 -A3 '^changed:' "$log" >&2 || true
    say "the second run changed something: the playbook is not idempotent"
    exit 1
fi
# Every unit booted from the image makes its own ssh host keys (ansible/roles/base).
rm -f "$root"/etc/ssh/ssh_host_*
say "done: callbox is installed in $root"
