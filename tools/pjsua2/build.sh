#!/usr/bin/env bash
# Build the pjsua2 Python binding from pjproject source with call-center limits,
# once, and cache the wheel outside the work tree.
#
#   tools/pjsua2/build.sh [--print-path]
#
# Prints the wheel's path on its last line.  The cache key is the hash of this
# script, config_site.h and the FramePort sources (framebridge.hpp/.i), so changing
# any of them rebuilds; anything else reuses it.
# Source: Debian bookworm's `ring` source package carries a pjproject 2.12.1 tree
# (the only pjproject source reachable from the package registries we may use).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${CALLBOX_BUILD_CACHE:-/var/cache/callbox}
python=${PYTHON:-python3}
# The Makefile passes a relative .venv/bin/python; the wheel is built after a cd.
[[ "$python" == */* ]] && python="$(cd "$(dirname "$python")" && pwd)/$(basename "$python")"
key=$(cat "$here/build.sh" "$here/config_site.h" "$here/framebridge.hpp" "$here/framebridge.i" | sha256sum | cut -c1-12)
pyver=$("$python" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')
out="$cache/wheels/$key-$pyver"

say() { echo "pjsua2-build: $*" >&2; }

existing=$(ls "$out"/pjsua2-*.whl 2>/dev/null | head -n1 || true)
if [[ -n "$existing" ]]; then
    echo "$existing"
    exit 0
fi
[[ "${1:-}" == "--print-path" ]] && { say "no cached wheel for $key-$pyver"; exit 1; }

need_debs=(swig libspeex-dev libspeexdsp-dev libgsm1-dev libssl-dev libopus-dev uuid-dev build-essential dpkg-dev)
missing=()
for p in "${need_debs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    [[ $(id -u) == 0 ]] || { say "missing Debian packages: ${missing[*]} (run as root or install them)"; exit 1; }
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 \
        || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; }
fi

src="$cache/src"
mkdir -p "$src"
tarball=$(ls "$src"/ring_*.orig.tar.* 2>/dev/null | head -n1 || true)
if [[ -z "$tarball" ]]; then
    list=/etc/apt/sources.list.d/callbox-deb-src.sources
    if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
        say "adding a bookworm deb-src entry ($list)"
        printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > "$list"
        apt-get update -q >&2
    fi
    say "fetching Debian's ring source (carries pjproject 2.12.1)"
    (cd "$src" && apt-get source --download-only ring >&2)
    tarball=$(ls "$src"/ring_*.orig.tar.* | head -n1)
fi

work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
say "unpacking pjproject from $(basename "$tarball")"
tar -xzf "$tarball" -C "$work" --wildcards '*/daemon/contrib/tarballs-unpacked/pjproject-*' 
pj=$(find "$work" -maxdepth 6 -type d -name 'pjproject-*' ! -name '*.tar.gz' | head -n1)
[[ -f "$pj/configure" ]] || { say "no pjproject tree found in $tarball"; exit 1; }

cp "$here/config_site.h" "$pj/pjlib/include/pj/config_site.h"
cd "$pj"
say "configure"
CFLAGS="-O2 -fPIC" CXXFLAGS="-O2 -fPIC" ./configure -q \
    --enable-epoll --disable-video --disable-sound --disable-v4l2 --disable-ffmpeg \
    --disable-openh264 --disable-vpx --disable-sdl --disable-libyuv --disable-libwebrtc \
    --disable-opencore-amr --disable-silk --disable-bcg729 --disable-ilbc-codec \
    --disable-g7221-codec --disable-android-mediacodec --disable-darwin-ssl \
    --with-external-speex --with-external-gsm >&2
say "make"
make -s dep >/dev/null 2>&1 || true
make -s -j"$(nproc)" >&2
say "SWIG binding (with callbox's FramePort)"
# FramePort: the audio bridge between Python and the conference bridge
# (framebridge.hpp, wrapped by framebridge.i appended to pjsua2's interface).
cp "$here/framebridge.hpp" pjsip/include/pjsua2/framebridge.hpp
cat "$here/framebridge.i" >> pjsip-apps/src/swig/pjsua2.i
cd pjsip-apps/src/swig/python
make -s >&2
"$python" -m pip wheel --no-deps --no-build-isolation -w "$work/dist" . >&2
mkdir -p "$out"
mv "$work"/dist/pjsua2-*.whl "$out/"
ls "$out"/pjsua2-*.whl | head -n1
