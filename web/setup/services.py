"""The wizard's work: where it stands, and each step's rows written to the store.

Every step records what was chosen in `SetupState.choices[step]` (never a password),
so a wizard left halfway shows the same answers when it is opened again.
"""

from __future__ import annotations

import os
import secrets
import string
from pathlib import Path
from typing import Any

import yaml

from appliance.config import DEFAULT_CONFIG_FILE, ENV_PREFIX
from appliance.store.database import db
from appliance.store.models import (
    Agent,
    InboundNumber,
    Queue,
    QueueMember,
    SetupState,
    Trunk,
    User,
    utcnow,
)
from appliance.supervisor.statefile import write_atomic
from web.auth.services import hash_password
from web.i18n import _
from web.setup import const
from web.setup.token import admin_exists, setup_state

SETUP_CONF = "50-setup.yml"
# Read off a printed page and typed into a phone: no 0/O, 1/l/I to confuse (about 93 bits).
# Without 0 no password starts "0x", which SIPp would read as hex.
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


class StepInvalid(Exception):
    """A step's input conflicts with the store; errors maps field names to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def current_step() -> str:
    """Return the first step not done (past "admin" once an admin exists, however made)."""
    step = str(setup_state().step)
    return const.STEPS[1] if step == const.STEPS[0] and admin_exists() else step


def reached(step: str) -> bool:
    """Return true if the wizard got as far as step (so its page may be opened)."""
    return const.STEPS.index(step) <= const.STEPS.index(current_step())


def in_progress() -> bool:
    """Return true if the wizard made the admin and was not finished (the start page resumes it)."""
    state = setup_state()
    return "admin" in (state.choices or {}) and state.completed_at is None


def choices(step: str) -> dict[str, Any]:
    """Return what was chosen at step last time ({} if nothing)."""
    found: dict[str, Any] = (setup_state().choices or {}).get(step, {})
    return found


def complete_step(step: str, chosen: dict[str, Any]) -> None:
    """Record step's choices and move the wizard past it (never backwards)."""
    state = setup_state()
    state.choices = {**(state.choices or {}), step: chosen}
    following = const.STEPS[min(const.STEPS.index(step) + 1, len(const.STEPS) - 1)]
    if const.STEPS.index(following) > const.STEPS.index(str(state.step)):
        state.step = following
    state.save()


def create_admin(username: str, password: str, language: str) -> User:
    """Create the first admin and use the setup token up; refuse if an admin exists."""
    password_hash = hash_password(password)  # slow: outside the transaction
    with db.atomic():
        if admin_exists():
            raise StepInvalid({"username": _("An administrator exists already: log in.")})
        if User.get_or_none(User.username == username) is not None:
            raise StepInvalid({"username": _("This username is taken.")})
        user = User.create(
            username=username, password_hash=password_hash, role="admin", language=language
        )
        state = setup_state()
        state.token_hash = ""
        state.save()
        complete_step("admin", {"username": username})
    return user


def save_locale(user: User, language: str, timezone: str) -> Path | None:
    """Set the admin's and the box's language and time zone; return the file written."""
    user.language = language
    user.save(only=[User.language])
    written = write_box_settings({"language": language, "timezone": timezone})
    complete_step(
        "locale", {"language": language, "timezone": timezone, "written": str(written or "")}
    )
    return written


def write_box_settings(values: dict[str, str]) -> Path | None:
    """Write values to the config's conf.d/50-setup.yml; None if there is no writable conf.d."""
    main = Path(os.environ.get(ENV_PREFIX + "CONFIG") or DEFAULT_CONFIG_FILE)
    confd = main.parent / "conf.d"
    if not confd.is_dir() or not os.access(confd, os.W_OK):
        return None
    header = "# Written by the web UI's setup wizard; later conf.d files override it.\n"
    text = header + yaml.safe_dump(values, allow_unicode=True, sort_keys=True)
    return write_atomic(confd / SETUP_CONF, text, mode=0o640)


def save_trunk(values: dict[str, Any]) -> Trunk:
    """Create the wizard's trunk, or update it when the step is done again."""
    trunk = Trunk.get_or_none(Trunk.id == choices("trunk").get("id", 0))
    taken = Trunk.get_or_none(Trunk.name == values["name"])
    if taken is not None and taken != trunk:
        raise StepInvalid({"name": _("A trunk of this name exists already.")})
    trunk = trunk or Trunk()
    trunk.name, trunk.kind, trunk.host = values["name"], values["kind"], values["host"]
    trunk.port = values["port"]
    trunk.username = values["username"] if values["kind"] == "register" else ""
    if values["kind"] == "peer":
        trunk.password = ""
    elif values["password"]:  # left empty when the step is done again: keep the stored one
        trunk.password = values["password"]
    trunk.save()
    chosen = {k: values[k] for k in ("kind", "name", "host", "port", "username")}
    complete_step("trunk", {**chosen, "id": trunk.id})
    return trunk


def sip_password() -> str:
    """Return a random SIP password of unambiguous letters and digits."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(const.SIP_PASSWORD_LENGTH))


def add_agents(extensions: list[str], names: list[str]) -> list[Agent]:
    """Create an agent per extension with a generated SIP password; refuse duplicates."""
    with db.atomic():
        taken = [a.extension for a in Agent.select().where(Agent.extension.in_(extensions))]
        if taken:
            listed = ", ".join(sorted(taken)[:10])
            raise StepInvalid(
                {"first": _("These extensions exist already: %(list)s.", list=listed)}
            )
        created = [
            Agent.create(
                extension=ext,
                name=(names[i] if i < len(names) and names[i] else _("Agent %(ext)s", ext=ext)),
                sip_password=sip_password(),
            )
            for i, ext in enumerate(extensions)
        ]
        earlier = choices("agents").get("extensions", [])
        complete_step("agents", {"extensions": sorted({*earlier, *extensions})})
    return created


def wizard_agents() -> list[Agent]:
    """Return the agents the wizard added that still exist."""
    return agents_by_extension(choices("agents").get("extensions", []))


def agents_by_extension(extensions: list[str]) -> list[Agent]:
    """Return the agents of these extensions, in extension order."""
    return list(Agent.select().where(Agent.extension.in_(extensions)).order_by(Agent.extension))


def all_queues() -> list[Queue]:
    """Return every queue, by name (the IVR's keys may lead to any of them)."""
    return list(Queue.select().order_by(Queue.name))


def save_queue(values: dict[str, Any]) -> Queue:
    """Create the wizard's queue with its members, or update it when done again."""
    queue = Queue.get_or_none(Queue.id == choices("queue").get("id", 0))
    taken = Queue.get_or_none(Queue.name == values["name"])
    if taken is not None and taken != queue:
        raise StepInvalid({"name": _("A queue of this name exists already.")})
    with db.atomic():
        queue = queue or Queue()
        queue.name, queue.title, queue.strategy = (
            values["name"],
            values["title"],
            values["strategy"],
        )
        queue.save()
        QueueMember.delete().where(QueueMember.queue == queue).execute()
        for agent in Agent.select().where(Agent.extension.in_(values["members"])):
            QueueMember.create(queue=queue, agent=agent)
        complete_step("queue", {**values, "id": queue.id})
    return queue


def route_number(number: str, flow: str) -> bool:
    """Send calls to number into the IVR flow, on the wizard's trunk; return true if new.

    A number that already goes somewhere else is refused.
    """
    found = InboundNumber.get_or_none(InboundNumber.number == number)
    if found is not None and (found.target_type, found.target) != ("ivr", flow):
        raise StepInvalid({"number": _("This number already goes elsewhere.")})
    created = found is None
    found = found or InboundNumber(number=number)
    found.trunk = Trunk.get_or_none(Trunk.id == choices("trunk").get("id", 0))
    found.target_type, found.target = "ivr", flow
    found.save()
    return created


def unroute_number(number: str) -> None:
    """Remove the route route_number created (the flow it led to was refused)."""
    InboundNumber.delete().where(InboundNumber.number == number).execute()


def finish() -> None:
    """Mark the wizard done: the start page stops leading to it."""
    state: SetupState = setup_state()
    state.completed_at = utcnow()
    state.save()
