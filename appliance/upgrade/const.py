"""The bundle format and the layout of installed releases."""

from __future__ import annotations

import re

BUNDLE_FORMAT = 1
MANIFEST_NAME = "manifest.json"  # sha256 and mode of every payload file, the version
SIGNATURE_NAME = "manifest.sig"  # ed25519 signature over manifest.json's exact bytes
PAYLOAD_DIR = "release"  # the release tree inside the bundle
ENTRY_POINT = "bin/callbox"  # every release has its own command
VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$")
RELEASES_DIR = "releases"
CURRENT_LINK = "current"
COMMAND_TIMEOUT_SECONDS = 300.0  # migrate, stop and start commands
