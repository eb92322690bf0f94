"""What a profile's store sections want, what the store has, and how one is written.

Contract of a `Section`: `label` names one object in the diff ("agent"); `wanted`
returns the profile's objects by key, each a flat mapping of the fields the profile
sets; `current` returns the same fields as the store has them (None: no such
object); `write` makes the store match one object.  Only the fields a profile names
are compared and written, and nothing the profile does not name is deleted, so a
profile applied to a box someone has since edited changes only what it describes.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from peewee import fn

from appliance.store.models import (
    Agent,
    BusinessHours,
    InboundNumber,
    IvrFlow,
    Queue,
    QueueMember,
    Trunk,
    User,
)
from provisioning.profiles.validate import normalise_mac

Fields = dict[str, Any]


class Section:
    """One kind of store object a profile describes (see the module docstring)."""

    label: ClassVar[str]
    section: ClassVar[str]
    key: ClassVar[str]
    secrets: ClassVar[frozenset[str]] = frozenset()

    def wanted(self, data: dict[str, Any]) -> dict[str, Fields]:
        """Return the profile's objects of this section by key."""
        return {str(item[self.key]): self.fields(item) for item in data.get(self.section, [])}

    def fields(self, item: dict[str, Any]) -> Fields:
        """Return one profile entry as the fields compared with the store."""
        return {k: v for k, v in item.items() if k != self.key}

    def current(self, key: str) -> Fields | None:
        """Return the store's object as fields, None when it does not exist."""
        raise NotImplementedError

    def write(self, key: str, fields: Fields, exists: bool) -> None:
        """Make the store's object match fields (create it when it does not exist)."""
        raise NotImplementedError

    def remove(self, key: str) -> None:
        """Delete the object (undoing its creation)."""
        raise NotImplementedError


class ModelSection(Section):
    """A section whose fields are columns of one model."""

    model: ClassVar[Any]

    def current(self, key: str) -> Fields | None:
        """Return the row's columns, None when there is no row."""
        row = self.model.get_or_none(getattr(self.model, self.key) == key)
        return None if row is None else self.columns(row)

    def columns(self, row: Any) -> Fields:
        """Return a row's columns by name."""
        return {name: getattr(row, name) for name in self.model._meta.fields}

    def write(self, key: str, fields: Fields, exists: bool) -> None:
        """Update the row's columns, or insert it."""
        column = getattr(self.model, self.key)
        if exists:
            self.model.update(**fields).where(column == key).execute()
        else:
            self.model.create(**{self.key: key, **fields})

    def remove(self, key: str) -> None:
        """Delete the row (its children go with it: ON DELETE CASCADE)."""
        self.model.delete().where(getattr(self.model, self.key) == key).execute()


class Trunks(ModelSection):
    """Carrier trunks."""

    label, section, key, model = "trunk", "trunks", "name", Trunk
    secrets = frozenset({"password"})


class Hours(ModelSection):
    """Business-hours schedules."""

    label, section, key, model = "business hours", "business_hours", "name", BusinessHours


class Agents(ModelSection):
    """Agents, with their desk phone; a new agent without a SIP password gets a random one.

    An agent whose entry has no phone (or `phone: null`) has none: a phone the box
    had is taken off (its MAC no longer gets a config file), and the diff shows it.
    """

    label, section, key, model = "agent", "agents", "extension", Agent
    secrets = frozenset({"sip_password"})

    def fields(self, item: dict[str, Any]) -> Fields:
        """Flatten the phone into the phone_* columns (all empty without a phone)."""
        fields = {k: v for k, v in item.items() if k not in ("extension", "phone")}
        phone = item.get("phone") or {"mac": "", "vendor": ""}
        fields.update(phone_mac=normalise_mac(phone["mac"]), phone_vendor=phone["vendor"],
                      phone_model=phone.get("model", ""))  # fmt: skip
        return fields

    def write(self, key: str, fields: Fields, exists: bool) -> None:
        """Create with a generated SIP password when the profile gives none."""
        if not exists and "sip_password" not in fields:
            fields = {**fields, "sip_password": secrets.token_urlsafe(12)}
        super().write(key, fields, exists)


class Queues(ModelSection):
    """Queues and their members (the profile's member list replaces the queue's)."""

    label, section, key, model = "queue", "queues", "name", Queue

    def columns(self, row: Any) -> Fields:
        """Add the members' extensions to the columns."""
        members = QueueMember.select(Agent.extension).join(Agent).where(QueueMember.queue == row.id)
        return {**super().columns(row), "members": sorted(m.agent.extension for m in members)}

    def fields(self, item: dict[str, Any]) -> Fields:
        """Compare members as a sorted list."""
        fields = super().fields(item)
        if "members" in fields:
            fields["members"] = sorted(fields["members"])
        return fields

    def write(self, key: str, fields: Fields, exists: bool) -> None:
        """Write the columns, then the members when the profile names them."""
        members = fields.get("members")
        super().write(key, {k: v for k, v in fields.items() if k != "members"}, exists)
        if members is None:
            return
        queue = Queue.get(Queue.name == key)
        QueueMember.delete().where(QueueMember.queue == queue).execute()
        for extension in members:
            QueueMember.create(queue=queue, agent=Agent.get(Agent.extension == extension))


class Flows(Section):
    """IVR flows: a changed graph becomes a new active version (old versions are kept)."""

    label, section, key = "IVR flow", "ivr_flows", "name"

    def current(self, key: str) -> Fields | None:
        """Return the active version's graph."""
        row = IvrFlow.get_or_none((IvrFlow.name == key) & IvrFlow.active)
        return None if row is None else {"graph": row.graph}

    def write(self, key: str, fields: Fields, exists: bool) -> None:
        """Publish the graph as the next version."""
        latest = IvrFlow.select(fn.MAX(IvrFlow.version)).where(IvrFlow.name == key).scalar()
        IvrFlow.update(active=False).where(IvrFlow.name == key).execute()
        IvrFlow.create(name=key, version=(latest or 0) + 1, graph=fields["graph"], active=True)

    def remove(self, key: str) -> None:
        """Delete every version of the flow."""
        IvrFlow.delete().where(IvrFlow.name == key).execute()


class Numbers(Section):
    """Inbound numbers: their trunk and target ("ivr:main")."""

    label, section, key = "number", "numbers", "number"

    def fields(self, item: dict[str, Any]) -> Fields:
        """Split the target into its type and name."""
        kind, _, target = item["target"].partition(":")
        return {"trunk": item.get("trunk"), "target_type": kind, "target": target}

    def current(self, key: str) -> Fields | None:
        """Return the number's trunk name and target."""
        row = InboundNumber.get_or_none(InboundNumber.number == key)
        if row is None:
            return None
        trunk = row.trunk.name if row.trunk is not None else None
        return {"trunk": trunk, "target_type": row.target_type, "target": row.target}

    def write(self, key: str, fields: Fields, exists: bool) -> None:
        """Write the number with its trunk looked up by name."""
        trunk = Trunk.get(Trunk.name == fields["trunk"]) if fields["trunk"] else None
        values = {"trunk": trunk, "target_type": fields["target_type"], "target": fields["target"]}
        if exists:
            InboundNumber.update(**values).where(InboundNumber.number == key).execute()
        else:
            InboundNumber.create(number=key, **values)

    def remove(self, key: str) -> None:
        """Delete the number."""
        InboundNumber.delete().where(InboundNumber.number == key).execute()


class Admin(Section):
    """The bootstrap admin: a web user with the admin role and the profile's password hash.

    With a `locale` section, the admin's language is the box's (a user's own language
    comes before the box's default in the web UI).
    """

    label, section, key = "admin", "admin", "username"
    secrets = frozenset({"password_hash"})

    def wanted(self, data: dict[str, Any]) -> dict[str, Fields]:
        """Return the one admin, if the profile has one."""
        admin = data.get("admin")
        if not admin:
            return {}
        fields = {"role": "admin", "password_hash": admin["password_hash"]}
        language = (data.get("locale") or {}).get("language")
        return {admin["username"]: {**fields, "language": language} if language else fields}

    def current(self, key: str) -> Fields | None:
        """Return the user's role, hash and language."""
        user = User.get_or_none(User.username == key)
        if user is None:
            return None
        return {"role": user.role, "password_hash": user.password_hash, "language": user.language}

    def write(self, key: str, fields: Fields, exists: bool) -> None:
        """Create or update the user."""
        if exists:
            User.update(**fields).where(User.username == key).execute()
        else:
            User.create(username=key, **fields)

    def remove(self, key: str) -> None:
        """Delete the user."""
        User.delete().where(User.username == key).execute()


# In the order they are written: what a later section names exists by then.
SECTIONS: list[Section] = [Admin(), Trunks(), Hours(), Agents(), Queues(), Flows(), Numbers()]
# The backup section (provisioning/profiles/backup_section.py) is added by the manager.
