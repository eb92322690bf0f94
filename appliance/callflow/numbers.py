"""Calling numbers: one written form for lookups, and where a number is from (归属地)."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from phonenumbers import geocoder

# Numbers without a country code are read as Chinese ones (138…, 010…, 0755…).
DEFAULT_REGION = "CN"


def _parse(number: str) -> phonenumbers.PhoneNumber | None:
    """Return number parsed, or None if it is not a possible phone number."""
    try:
        parsed = phonenumbers.parse(number, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_possible_number(parsed) else None


@lru_cache(maxsize=4096)
def normalize(number: str) -> str:
    """Return number in E.164 (+8613800138000), or stripped as given if it is not one."""
    parsed = _parse(number.strip())
    if parsed is None:
        return number.strip()
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def region_names(number: str) -> tuple[str, str]:
    """Return where number is from, in English and Chinese ("Beijing", "北京市").

    Both are empty for a number the geocoder does not place (an extension, a
    foreign number without a known area).  Cached: the first number of a prefix
    loads that prefix's data, a few milliseconds.
    """
    parsed = _parse(number.strip())
    if parsed is None:
        return "", ""
    return (
        geocoder.description_for_number(parsed, "en"),
        geocoder.description_for_number(parsed, "zh"),
    )


def region_matches(names: tuple[str, str], region: str) -> bool:
    """Return true if a place described by (English, Chinese) names lies in region.

    An English name matches the description or any comma-separated part of it
    ("Guangdong" and "Shenzhen" both match "Shenzhen, Guangdong"); a Chinese name
    matches when it is part of the Chinese description ("广东" in "广东省深圳市").
    """
    english, chinese = names
    wanted = region.strip()
    if not wanted:
        return False
    if wanted.isascii():
        parts = {english.casefold(), *(p.strip().casefold() for p in english.split(","))}
        return wanted.casefold() in parts
    return wanted in chinese
