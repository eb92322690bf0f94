"""Users of the web pages and their roles; the last admin stays an admin."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, ClassVar

from flask import g, session

from appliance.store.models import User
from web.admin.areas.base import Area
from web.admin.schemas import Field, FieldError, FormResult
from web.auth.guards import ROLES
from web.auth.services import hash_password, session_fingerprint
from web.i18n import SUPPORTED_LANGUAGES, _
from web.i18n import lazy_gettext as _l

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
MIN_PASSWORD = 10


def _password(value: str) -> str:
    """Return a typed password if long enough."""
    if len(value) < MIN_PASSWORD:
        raise FieldError(_("At least %(n)d characters.", n=MIN_PASSWORD))
    return value


def _roles() -> list[tuple[str, str]]:
    """Return the roles with their names."""
    names = {"admin": _("Administrator"), "supervisor": _("Supervisor"), "agent": _("Agent"),
             "reseller": _("Reseller")}  # fmt: skip
    return [(role, names[role]) for role in ROLES]


class Users(Area):
    """The users area."""

    name = "users"
    title = _l("Users")
    model = User
    key_field = "username"
    reloads_engine = False  # the engine does not read users
    fields: ClassVar[list[Field]] = [
        Field("username", _l("User name"), required=True, pattern=USERNAME,
              pattern_message=_l("Letters, digits and . _ @ -")),
        Field("role", _l("Role"), kind="choice", required=True, choices=_roles),
        Field("language", _l("Language"), kind="choice", required=True,
              choices=lambda: [(code, code) for code in SUPPORTED_LANGUAGES]),
        Field("password", _l("Password"), kind="password", max_length=128, check=_password,
              help=_l("Leave empty to keep the current one.")),
    ]  # fmt: skip
    columns: ClassVar[list[tuple[str, Any]]] = [
        ("username", _l("User name")),
        ("role", _l("Role")),
        ("language", _l("Language")),
    ]

    def form_fields(self, obj: Any | None) -> list[Field]:
        """A new user needs a password."""
        if obj is not None:
            return self.fields
        fields = list(self.fields)
        fields[-1] = dataclasses.replace(fields[-1], required=True, help=None)
        return fields

    def check(self, result: FormResult, obj: Any | None) -> None:
        """Names are unique; the last admin stays an admin."""
        values = result.values
        self.unique(
            result, obj, "username", _("User %(name)s exists.", name=values.get("username"))
        )
        demoted = obj is not None and obj.role == "admin" and values.get("role") != "admin"
        if demoted and _admins() <= 1:
            result.errors.setdefault("role", _("This is the last administrator."))

    def write(self, obj: Any | None, values: dict[str, Any]) -> Any:
        """Keep the password's hash, never the password."""
        password = values.pop("password", "")
        obj = obj if obj is not None else User(password_hash="")
        if password:
            obj.password_hash = hash_password(password)
        saved = super().write(obj, values)
        if password and g.get("user") is not None and g.user.id == saved.id:
            session["auth"] = session_fingerprint(saved)  # changing one's own stays logged in
        return saved

    def in_use(self, obj: Any) -> list[str]:
        """The last admin, and the user deleting, stay."""
        if obj.role == "admin" and _admins() <= 1:
            return [_("it is the last administrator")]
        if g.get("user") is not None and g.user.id == obj.id:
            return [_("you (log in as another administrator to delete this user)")]
        return []


def _admins() -> int:
    """Return how many administrators there are."""
    return int(User.select().where(User.role == "admin").count())
