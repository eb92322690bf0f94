"""IP-phone configuration per vendor, keyed by MAC: one module each, discovered by scanning.

The contract of a vendor module (add a file here; nothing else to register): it
defines ``VENDOR``, an instance of a `PhoneVendor` subclass (see `base.py`): its
`key` (what an agent's ``phone_vendor`` says), the file names its phones ask for,
and `render`, which writes one of those files from a `PhoneConfig`.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from provisioning.phones.base import PhoneVendor

SKIPPED = ("base", "config")  # modules here that are not vendors


@functools.cache
def vendors() -> dict[str, PhoneVendor]:
    """Return every vendor in this package by key (scanned once)."""
    found: dict[str, PhoneVendor] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in SKIPPED:
            continue
        vendor = importlib.import_module(f"{__name__}.{info.name}").VENDOR
        found[vendor.key] = vendor
    return dict(sorted(found.items()))


def candidates(filename: str) -> list[tuple[PhoneVendor, str]]:
    """Return every (vendor, MAC) a requested file name may be (several vendors share names)."""
    found = []
    for vendor in vendors().values():
        mac = vendor.mac_of(filename)
        if mac:
            found.append((vendor, mac))
    return found
