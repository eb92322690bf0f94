"""Class of service: which numbers an extension may call, when, and for how long (seed §7).

Every number sent out is put in a class, from the narrowest to the widest:

    internal < local < national < international

- **emergency** numbers (110, 119, 120, 122 in China; the region's list in libphonenumber)
  are always allowed, whatever the class, the hours or the concurrent-call cap;
- **local** — a subscriber number of the box's own area: dialled without the national
  prefix and at most 8 digits long, or with it and the box's own area code;
- **national** — any other number of the box's country, mobiles included;
- **international** — another country, and premium-rate numbers anywhere (cost risk).

An extension's class allows its own class and the narrower ones.  New extensions get
`national`: international calling is off until an admin turns it on.  The allowed hours
name a business-hours schedule (open = allowed); the maximum call length cuts a call
that runs longer.  The library (phonenumbers) knows the numbering plans.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import phonenumbers
from phonenumbers import PhoneNumberType, shortnumberinfo


class CallClass(IntEnum):
    """How far a number reaches; an extension may call its class and narrower ones."""

    INTERNAL = 0
    LOCAL = 1
    NATIONAL = 2
    INTERNATIONAL = 3

    @property
    def label(self) -> str:
        """Return the name stored and shown (internal, local, ...)."""
        return self.name.lower()

    @classmethod
    def named(cls, name: str) -> CallClass:
        """Return the class called name, or raise ValueError."""
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown call class {name!r}: {', '.join(CLASS_NAMES)}") from None


CLASS_NAMES = tuple(c.label for c in CallClass)
DEFAULT_CLASS = CallClass.NATIONAL
LOCAL_DIGITS = 8  # a local subscriber number is at most this long


@dataclass(frozen=True)
class NumberingPlan:
    """Where the box is: its region (ISO code, e.g. CN) and its own area code."""

    region: str = "CN"
    area_code: str = ""  # e.g. 755 for Shenzhen; empty: no number counts as local by area


@dataclass(frozen=True)
class ClassOfService:
    """What one extension may dial."""

    widest: CallClass = DEFAULT_CLASS
    hours: str = ""  # a business-hours schedule's name; empty: at any time
    max_call_seconds: int = 0  # 0: no limit


def is_emergency(number: str, plan: NumberingPlan) -> bool:
    """Return true if number is an emergency number in the plan's region."""
    return shortnumberinfo.is_emergency_number(number, plan.region)


def classify(number: str, plan: NumberingPlan) -> CallClass:
    """Return the class of a number as it is sent to the carrier."""
    try:
        parsed = phonenumbers.parse(number, plan.region)
    except phonenumbers.NumberParseException:
        return CallClass.INTERNATIONAL  # unknown: treat as the widest
    home = phonenumbers.country_code_for_region(plan.region)
    if parsed.country_code != home:
        return CallClass.INTERNATIONAL
    kind = phonenumbers.number_type(parsed)
    if kind in (PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST):
        return CallClass.INTERNATIONAL
    if _local(number, parsed, kind, plan):
        return CallClass.LOCAL
    return CallClass.NATIONAL


def _local(number: str, parsed: phonenumbers.PhoneNumber, kind: int, plan: NumberingPlan) -> bool:
    """Return true if a home-country number is in the box's own area."""
    if kind == PhoneNumberType.MOBILE:
        return False
    digits = number.lstrip("+")
    national = phonenumbers.national_significant_number(parsed)
    if digits == national and len(digits) <= LOCAL_DIGITS:
        return True  # dialled without prefix or area code: a number of this area
    area = national[: phonenumbers.length_of_geographical_area_code(parsed)]
    return bool(plan.area_code) and area == plan.area_code


def refusal(number_class: CallClass, service: ClassOfService, open_now: bool) -> str | None:
    """Return why an extension may not make this call now, or None if it may."""
    if number_class > service.widest:
        return f"{number_class.label} calls are not allowed for this extension"
    if not open_now:
        return f"calls out are allowed only during {service.hours!r}"
    return None
