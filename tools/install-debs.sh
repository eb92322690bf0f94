#!/usr/bin/env bash
# Install the Debian packages callbox needs, only those missing.
#   tools/install-debs.sh PACKAGE...
# Not root and something missing: one line saying what to run, exit 2.
set -euo pipefail

missing=()
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]})) || exit 0

if [[ $(id -u) != 0 ]]; then
    echo "callbox: missing Debian packages: ${missing[*]} — run: sudo apt-get install ${missing[*]}" >&2
    exit 2
fi
echo "callbox: installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A stale or empty package list is the usual reason an install fails: update once and retry.
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
    || { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; }

# Debian's kamailio package starts its stock config on :5060 where systemd runs;
# callbox runs its own Kamailio with its own config.
if [[ " ${missing[*]} " == *" kamailio "* ]] && [[ -d /run/systemd/system ]]; then
    systemctl disable --now kamailio >/dev/null 2>&1 || true
fi
