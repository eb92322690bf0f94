"""The fields of the voicemail box forms: a new box, a box's settings, its PIN."""

from __future__ import annotations

from typing import Any

from appliance.engine.voicemail_commands import MAX_SECONDS_LIMIT
from appliance.prompts.const import LANGUAGES, NAME_PATTERN
from appliance.voicemail.pin import MAX_DIGITS, MIN_DIGITS, BadPin, check_format
from web.admin import voicemail
from web.admin.schemas import NAME, Field, FieldError
from web.i18n import _
from web.i18n import lazy_gettext as _l

MIN_SECONDS = 5


def _email(value: str) -> str:
    """Return an e-mail address as typed, or raise FieldError."""
    if value and not voicemail.EMAIL.match(value):
        raise FieldError(_("Not an e-mail address."))
    return value


def _pin(value: str) -> str:
    """Return a PIN of 4–10 digits, or raise FieldError."""
    try:
        check_format(value)
    except BadPin:
        raise FieldError(_("A PIN is %(low)d to %(high)d digits.", low=MIN_DIGITS,
                           high=MAX_DIGITS)) from None  # fmt: skip
    return value


def _languages() -> list[tuple[str, Any]]:
    """Return the languages of the listening menu and the e-mail."""
    names = {"en": _l("English"), "zh": _l("Chinese")}
    return [(code, names.get(code, code)) for code in LANGUAGES]


def settings_fields() -> list[Field]:
    """Return the fields every box has."""
    return [
        Field("title", _l("Title"), max_length=64),
        Field(
            "email",
            _l("E-mail for new messages"),
            max_length=254,
            check=_email,
            help=_l("Empty: no e-mail."),
        ),
        Field("language", _l("Language"), "choice", required=True, choices=_languages),
        Field(
            "max_seconds",
            _l("Longest message (seconds)"),
            "int",
            required=True,
            minimum=MIN_SECONDS,
            maximum=MAX_SECONDS_LIMIT,
        ),
    ]


def new_fields() -> list[Field]:
    """Return the fields of a new box."""
    name = Field(
        "name", _l("Box name"), required=True, pattern=NAME,
        pattern_message=_l("Lowercase letters, digits, - and _ (at most 64)."),
    )  # fmt: skip
    owner = Field(
        "owner", _l("Owner"), "choice", choices=voicemail.owner_choices,
        help=_l("An agent or a queue; none for a shared box."),
    )  # fmt: skip
    return [name, owner, *settings_fields()]


def edit_fields() -> list[Field]:
    """Return the fields of an existing box's settings."""
    greeting = Field("greeting", _l("Greeting prompt"), pattern=NAME_PATTERN,
                     pattern_message=_l("A prompt name: lowercase letters, digits, - and _."),
                     help=_l("Empty: the default greeting naming the box."))  # fmt: skip
    return [*settings_fields(), greeting]


PIN_FIELD = Field("pin", _l("New PIN"), "password", max_length=MAX_DIGITS, check=_pin,
                  attrs={"inputmode": "numeric"})  # fmt: skip


def initial(box: Any) -> dict[str, str]:
    """Return a box's settings as the form shows them."""
    if box is None:
        return {"language": "en", "max_seconds": "120"}
    return {f.name: f.display(getattr(box, f.name)) for f in edit_fields()}
