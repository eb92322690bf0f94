#!/usr/bin/env bash
# Install the web UI's front-end libraries from the npm registry (web/package-lock.json,
# pinned) and copy the files the pages load into web/static/vendor/ (git-ignored).
# The box serves them itself: no CDN, so pages work with no internet.
#   tools/web-assets.sh        (make web-assets; `make run` and `make test` go through it)
# Fast when already done: npm runs only when the lock file is newer than the copy.
set -euo pipefail
cd "$(dirname "$0")/../web"

vendor=static/vendor
stamp=$vendor/.installed
if [[ -f $stamp && $stamp -nt package-lock.json && $stamp -nt ../tools/web-assets.sh ]]; then
    exit 0
fi
command -v npm >/dev/null || ../tools/install-debs.sh npm
echo "callbox: installing the web UI's front-end libraries (npm ci)" >&2
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2

# What each page loads, and each library's licence text next to it.
files=(
    node_modules/htmx.org/dist/htmx.min.js:htmx.min.js
    node_modules/htmx.org/LICENSE:htmx.LICENSE.txt
    node_modules/chart.js/dist/chart.umd.js:chart.umd.js
    node_modules/chart.js/LICENSE.md:chart.js.LICENSE.txt
    node_modules/@kurkle/color/LICENSE.md:kurkle-color.LICENSE.txt  # bundled in chart.umd.js
)
tmp=$(mktemp -d "$vendor.XXXXXX" 2>/dev/null || mktemp -d "static/vendor-tmp.XXXXXX")
for pair in "${files[@]}"; do
    cp "${pair%%:*}" "$tmp/${pair##*:}"
done
# Swap the folder in whole, so a page never sees half the files.
rm -rf "$vendor"
mv "$tmp" "$vendor"
chmod 755 "$vendor"
touch "$stamp"
