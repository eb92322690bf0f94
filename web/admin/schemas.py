"""Form fields of the admin pages: read what was typed, check it, say what is wrong per field.

A `Field` turns the text of one input into a value or raises `FieldError` with a
message for the person; `parse_form` runs every field of a form and returns the values
and the errors by field name, so a page can show each error next to its input and
keep everything that was typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from web.i18n import _

Choices = Callable[[], Iterable[tuple[str, Any]]]
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
DIGITS = re.compile(r"^[0-9]+$")
DIALLABLE = re.compile(r"^\+?[0-9*#]+$")


class FieldError(ValueError):
    """What is wrong with one field's input, worded for the person who typed it."""


@dataclass
class Field:
    """One input of a form.

    kind: text | int | bool | choice | password | textarea.  `optional_int` ints
    may be left empty (None).  `check` runs on the parsed value and raises FieldError.
    """

    name: str
    label: Any
    kind: str = "text"
    required: bool = False
    max_length: int = 64
    minimum: int | None = None
    maximum: int | None = None
    choices: Choices | None = None
    pattern: re.Pattern[str] | None = None
    pattern_message: Any = None
    help: Any = None
    blank_none: bool = False  # an empty int field means None (not set)
    check: Callable[[Any], Any] | None = None
    attrs: dict[str, str] = field(default_factory=dict)

    def parse(self, raw: str) -> Any:
        """Return the value of raw (the text typed); raise FieldError saying what is wrong."""
        if self.kind == "bool":
            return raw in ("on", "1", "true", "yes")
        text = raw if self.kind in ("password", "textarea") else raw.strip()
        if len(text) > self.max_length:
            raise FieldError(_("At most %(n)d characters.", n=self.max_length))
        if not text:
            if self.required:
                raise FieldError(_("This field is required."))
            if self.kind == "int" and self.blank_none:
                return None
            return self.check(text) if self.check and self.kind != "password" else self._empty()
        value = self._typed(text)
        return self.check(value) if self.check else value

    def _empty(self) -> Any:
        """Return the value of an empty optional input."""
        return 0 if self.kind == "int" else ""

    def _typed(self, text: str) -> Any:
        """Return text converted to this field's kind."""
        if self.kind == "int":
            return self._int(text)
        if self.kind == "choice":
            keys = [str(key) for key, _label in self.options()]
            if text not in keys:
                raise FieldError(_("Choose one of: %(choices)s.", choices=", ".join(keys)))
        if self.pattern is not None and not self.pattern.match(text):
            raise FieldError(self.pattern_message or _("This value is not valid."))
        return text

    def _int(self, text: str) -> int:
        """Return text as a whole number within the field's bounds."""
        if not re.fullmatch(r"-?[0-9]+", text):
            raise FieldError(_("Enter a whole number."))
        value = int(text)
        if self.minimum is not None and value < self.minimum:
            raise FieldError(_("At least %(n)d.", n=self.minimum))
        if self.maximum is not None and value > self.maximum:
            raise FieldError(_("At most %(n)d.", n=self.maximum))
        return value

    def options(self) -> list[tuple[str, Any]]:
        """Return the (value, label) pairs of a choice field."""
        return list(self.choices()) if self.choices else []

    def display(self, value: Any) -> str:
        """Return value as the text to put back in the input."""
        if self.kind == "password" or value is None:
            return ""
        if self.kind == "bool":
            return "on" if value else ""
        return str(value)


@dataclass
class FormResult:
    """What a submitted form said: the values that parsed and the errors by field name."""

    raw: dict[str, str]
    values: dict[str, Any]
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        """Return true when no field has an error."""
        return not self.errors


def parse_form(fields: Iterable[Field], form: Mapping[str, str]) -> FormResult:
    """Parse every field of form; keep the raw text of all for the page."""
    result = FormResult(raw={}, values={}, errors={})
    for f in fields:
        raw = form.get(f.name, "")
        result.raw[f.name] = raw if f.kind != "password" else ""
        try:
            result.values[f.name] = f.parse(raw)
        except FieldError as exc:
            result.errors[f.name] = str(exc)
    return result


def name_levels(text: str, what: Any) -> dict[str, int]:
    """Return {"billing": 3} from "billing:3 sales:1" (commas or spaces; a bare name is :0)."""
    found: dict[str, int] = {}
    for item in re.split(r"[,\s]+", text.strip()):
        if not item:
            continue
        name, sep, level = item.partition(":")
        if not name or (sep and not re.fullmatch(r"[0-9]{1,6}", level)):
            raise FieldError(_("%(item)s is not %(what)s:number.", item=item, what=what))
        if name in found:
            raise FieldError(_("%(item)s is listed twice.", item=name))
        found[name] = int(level) if sep else 0
    return found


def format_levels(levels: Mapping[str, int] | Iterable[tuple[str, int]]) -> str:
    """Return "billing:3 sales:1" from {"billing": 3, "sales": 1}."""
    pairs = levels.items() if isinstance(levels, Mapping) else levels
    return " ".join(f"{name}:{level}" for name, level in pairs)
