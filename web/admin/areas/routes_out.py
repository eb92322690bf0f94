"""Outbound routes: dial patterns, the trunks tried in order, the caller ID presented."""

from __future__ import annotations

from typing import Any, ClassVar

from appliance.callflow.dialplan import parse_pattern, route_problems
from appliance.store.models import OutboundRoute, Trunk
from web.admin.areas.base import Area
from web.admin.schemas import DIALLABLE, Field, FieldError, FormResult
from web.i18n import _
from web.i18n import lazy_gettext as _l


def _patterns(text: str) -> list[str]:
    """Return the dial patterns, one per line, each parsed (the error names the first bad one)."""
    patterns = [line.strip() for line in text.splitlines() if line.strip()]
    if not patterns:
        raise FieldError(_("A route needs at least one dial pattern."))
    for pattern in patterns:
        try:
            parse_pattern(pattern)
        except ValueError as exc:
            raise FieldError(_("Dial pattern %(p)s: %(why)s", p=pattern, why=str(exc))) from None
    return patterns


def _trunk_names(text: str) -> list[str]:
    """Return the trunk names in order (commas or spaces between them)."""
    names = [name for name in text.replace(",", " ").split() if name]
    if not names:
        raise FieldError(_("A route needs at least one trunk."))
    return names


class OutboundRoutes(Area):
    """The outbound routes area."""

    name = "routes"
    title = _l("Outbound routes")
    model = OutboundRoute
    key_field = "name"
    fields: ClassVar[list[Field]] = [
        Field("name", _l("Name"), required=True, max_length=64),
        Field("position", _l("Order"), kind="int", required=True, minimum=1, maximum=999,
              help=_l("Lower first: the first route whose pattern matches is taken.")),
        Field("patterns", _l("Dial patterns"), kind="textarea", required=True, max_length=1000,
              check=_patterns,
              help=_l("One per line. X any digit, Z 1-9, N 2-9, [1-5] a set, . the rest; "
                      "what comes before | is taken off, e.g. 9|0ZX.")),
        Field("prepend", _l("Prepend"), max_length=16, pattern=DIALLABLE,
              pattern_message=_l("A number to dial: digits, * and #.")),
        Field("trunks", _l("Trunks, in order"), required=True, max_length=500, check=_trunk_names,
              help=_l("Trunk names separated by commas; the next is tried when one fails.")),
        Field("caller_id", _l("Caller ID"), max_length=32, pattern=DIALLABLE,
              pattern_message=_l("A number to dial: digits, * and #."),
              help=_l("Presented to the carrier; an extension's own caller ID wins.")),
        Field("enabled", _l("Enabled"), kind="bool"),
    ]  # fmt: skip
    columns: ClassVar[list[tuple[str, Any]]] = [
        ("position", _l("Order")),
        ("name", _l("Name")),
        ("patterns", _l("Dial patterns")),
        ("trunks", _l("Trunks, in order")),
        ("enabled", _l("Enabled")),
    ]

    def rows(self) -> list[Any]:
        """Return the routes in the order they are tried."""
        return list(OutboundRoute.select().order_by(OutboundRoute.position, OutboundRoute.id))

    def value_of(self, obj: Any, name: str) -> Any:
        """Return patterns one per line and trunks comma separated."""
        if name == "patterns":
            return "\n".join(obj.patterns or [])
        if name == "trunks":
            return ", ".join(obj.trunks or [])
        return super().value_of(obj, name)

    def cell(self, obj: Any, column: str) -> Any:
        """Show patterns and trunks on one line."""
        if column in ("patterns", "trunks"):
            return "  ".join(getattr(obj, column) or [])
        return super().cell(obj, column)

    def check(self, result: FormResult, obj: Any | None) -> None:
        """Names are unique; every trunk named exists (and none twice)."""
        values = result.values
        self.unique(
            result, obj, "name", _("A route named %(name)s exists.", name=values.get("name"))
        )
        if "trunks" in result.errors or not values.get("trunks"):
            return
        known = {t.name for t in Trunk.select(Trunk.name)}
        problems = route_problems(["X"], values["trunks"], known)
        if problems:
            result.errors["trunks"] = "; ".join(_trunk_problem(p) for p in problems)


def _trunk_problem(problem: str) -> str:
    """Return a route problem about trunks in the person's language."""
    if problem.startswith("no trunk named"):
        return _("No trunk named %(name)s.", name=problem.split("'")[1])
    return _("A trunk is listed twice.")


def routes_using(trunk: str) -> list[str]:
    """Return the outbound routes that name a trunk (why it may not be deleted)."""
    return [
        _("outbound route %(name)s", name=r.name)
        for r in OutboundRoute.select()
        if trunk in (r.trunks or [])
    ]
