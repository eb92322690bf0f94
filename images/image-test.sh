#!/usr/bin/env bash
# `make image-test`: build the appliance image (cached) and boot it in QEMU (tests/images/).
#
#   images/image-test.sh [pytest options]
#
# The image is built with a test reseller key baked in (kept under
# /var/cache/callbox/images/test-reseller/, made once), so the boot test can hand the box a
# signed unit profile on a USB stick, as a reseller would; otherwise it is the default
# image (the test's carrier, 10.0.2.2 on QEMU's user network, is on the LAN networks the
# firewall opens the trunk port to by default).  Every step is cached: the
# Debian root (images/rootfs.sh), the pjsua2 wheel and the finished image (images/build.sh,
# keyed by the working tree), so a second run with no change only boots.  Prints how long
# the build and the boot test took.  Runs as root (mmdebstrap, chroot).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${CALLBOX_BUILD_CACHE:-/var/cache/callbox}/images
keys=$cache/test-reseller
out=$cache/test-out
python=$repo/.venv/bin/python

cd "$repo"
if [[ ! -f "$keys/reseller.key" ]]; then
    mkdir -p "$keys"
    rm -f "$keys/reseller.pub"
    "$repo/.venv/bin/callbox" provision keygen --private "$keys/reseller.key" --public "$keys/reseller.pub"
fi

started=$SECONDS
images/build.sh --out "$out" --reseller-key "$keys/reseller.pub"
built=$SECONDS
status=0
CALLBOX_IMAGE_DIR=$out CALLBOX_IMAGE_RESELLER_KEY=$keys/reseller.key \
    "$python" -m pytest -p no:cacheprovider -m image tests/images -v -s "$@" || status=$?
echo "image-test: build $((built - started)) s, boot test $((SECONDS - built)) s," \
    "total $((SECONDS - started)) s (exit $status)"
exit "$status"
