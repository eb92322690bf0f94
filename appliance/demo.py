"""Load the demo call center (`callbox init --demo`) and describe it in <var>/demo.json.

The demo is for a developer machine and for trying the box: an admin with a random
password, five agents in two queues, a peer trunk on loopback and an IVR on number
100.  Outside demo mode there is no default password anywhere.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from appliance.callflow.flow.templates import sales_and_support
from appliance.config import Settings
from appliance.health.address import connect_host
from appliance.store import db
from appliance.store.models import (
    Agent,
    AgentSkill,
    ApiToken,
    BusinessHours,
    Customer,
    InboundNumber,
    IvrFlow,
    OutboundRoute,
    Queue,
    QueueMember,
    Trunk,
    User,
    VoicemailBox,
)
from appliance.supervisor.statefile import read_json, write_json_atomic
from appliance.voicemail.boxes import ensure_boxes
from appliance.voicemail.pin import hash_pin

ADMIN_USERNAME = "admin"
AGENTS = [
    ("1001", "Alice Chen"),
    ("1002", "Bob Li"),
    ("1003", "Carol Wang"),
    ("1004", "David Zhang"),
    ("1005", "Eve Liu"),
]
QUEUES = {"support": ["1001", "1002", "1003"], "sales": ["1004", "1005"]}
QUEUE_TITLES = {"support": "Support", "sales": "Sales"}
# Skill levels and customers for trying skills, sticky and owner routing (docs/routing.md);
# no demo queue requires skills or routes by owner until an admin says so.
SKILLS = {"1001": {"billing": 4, "zh": 5}, "1002": {"billing": 2, "en": 4}, "1003": {"tech": 5}}
# number, name, owner agent, VIP tier, account number (an IVR lookup can ask for it)
CUSTOMERS = [
    ("13900139000", "ACME Trading", "1002", 1, "8001"),
    ("13700137000", "Li Wei", "1004", 0, "8002"),
]
# Business hours "office" (docs/business-hours.md), for time conditions and announcements.
# The holiday dates are our assumption in the style of the State Council's yearly notice,
# not the official 2026 arrangement: Mid-Autumn Fri 25 Sept off, National Day 1-8 Oct off,
# Sun 27 Sept worked like a Monday and Sat 10 Oct like a Friday (调休).  Edit them for the year.
OFFICE_HOURS: dict[str, Any] = {
    "name": "office",
    "timezone": "Asia/Shanghai",
    "weekly": {day: ["09:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
    "holidays": [
        {"date": "2026-09-25", "name": "Mid-Autumn Festival"},
        {"date": "2026-10-01", "until": "2026-10-08", "name": "National Day"},
    ],
    "workdays": [{"date": "2026-09-27", "like": "mon"}, {"date": "2026-10-10", "like": "fri"}],
}
# Every agent's mailbox and the queues' have this PIN in the demo (docs/voicemail.md).
DEMO_PIN = "1234"
TRUNK_NAME = "demo-carrier"
OUTSIDE_LINE = "outside line"  # dial 9, then the number (docs/outbound.md)
TRUNK_HOST = "127.0.0.1"
IVR_NAME = "main"
IVR_NUMBER = "100"
# The demo IVR: greeting, then "1 for sales, 2 for support".
IVR_GRAPH: dict[str, Any] = sales_and_support("sales", "support")
_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True)
class DemoSecrets:
    """The generated credentials of the demo, shown to the developer once in demo.json."""

    admin_password: str
    api_token: str
    sip_passwords: dict[str, str]


def demo_json_path(settings: Settings) -> Path:
    """Return where demo.json is written."""
    return Path(settings.paths.var) / "demo.json"


def has_agents() -> bool:
    """Return true if the bound store already holds an agent."""
    return bool(Agent.select().exists())


def load_demo(settings: Settings, force: bool = False) -> Path | None:
    """Load the demo rows into the bound store and write demo.json; skip if agents exist."""
    if has_agents() and not force:
        return None
    demo = DemoSecrets(
        admin_password=_random_text(16),
        api_token=secrets.token_urlsafe(32),
        sip_passwords={extension: _random_text(12) for extension, _ in AGENTS},
    )
    password_hash = _hash_password(demo.admin_password)  # slow (argon2): outside the transaction
    pin_hash = hash_pin(DEMO_PIN)
    with db.atomic():
        if force:
            _remove_demo_rows()
        _create_rows(demo, password_hash)
        _create_boxes(pin_hash)
    return write_json_atomic(demo_json_path(settings), describe(settings, demo))


def refresh_demo_json(settings: Settings) -> dict[str, Any] | None:
    """Rewrite demo.json's addresses and ports from the current settings; return it."""
    document = read_json(demo_json_path(settings))
    if not isinstance(document, dict):
        return None
    try:
        demo = DemoSecrets(
            admin_password=document["admin"]["password"],
            api_token=document["api_token"],
            sip_passwords={a["extension"]: a["sip_password"] for a in document["agents"]},
        )
    except (KeyError, TypeError):  # hand-edited or from another version: leave it alone
        return None
    fresh = describe(settings, demo)
    if fresh != document:
        write_json_atomic(demo_json_path(settings), fresh)
    return fresh


def describe(settings: Settings, demo: DemoSecrets) -> dict[str, Any]:
    """Return the demo.json document: where to point a browser, a softphone and a trunk."""
    scheme = "https" if settings.web_https else "http"
    return {
        "web_url": f"{scheme}://{connect_host(settings.web.listen)}:{settings.web.port}/",
        "admin": {"username": ADMIN_USERNAME, "password": demo.admin_password},
        "api_token": demo.api_token,
        "agents": [
            {"extension": ext, "name": name, "sip_password": demo.sip_passwords[ext]}
            for ext, name in AGENTS
        ],
        "trunk": {
            "name": TRUNK_NAME,
            "host": connect_host(settings.engine.trunk_listen),
            "port": settings.engine.trunk_port,
            "accepts_from": TRUNK_HOST,
        },
        "ivr_number": IVR_NUMBER,
        "voicemail": {"pin": DEMO_PIN, "my_box": "*97", "any_box": "*98"},
        "queues": {name: list(members) for name, members in QUEUES.items()},
        "sip": {
            "registrar": f"{connect_host(settings.sip.listen)}:{settings.sip.port}",
            "domain": settings.sip.domain,
        },
    }


def _create_rows(demo: DemoSecrets, password_hash: str) -> None:
    """Insert the demo's users, agents, queues, office hours, trunk, IVR flow and number."""
    admin = User.create(username=ADMIN_USERNAME, password_hash=password_hash, role="admin")
    token_hash = hashlib.sha256(demo.api_token.encode()).hexdigest()
    ApiToken.create(user=admin, name="demo", token_hash=token_hash)
    agents = {
        ext: Agent.create(
            extension=ext,
            name=name,
            sip_password=demo.sip_passwords[ext],
            state="ready",
            auto_ready=True,
        )
        for ext, name in AGENTS
    }
    for ext, levels in SKILLS.items():
        for skill, level in levels.items():
            AgentSkill.create(agent=agents[ext], skill=skill, level=level)
    for number, name, owner, vip, account in CUSTOMERS:
        Customer.create(number=number, name=name, owner=agents[owner], vip=vip, account=account)
    for queue_name, members in QUEUES.items():
        queue = Queue.create(
            name=queue_name, title=QUEUE_TITLES[queue_name], strategy="longest_idle"
        )
        for ext in members:
            QueueMember.create(queue=queue, agent=agents[ext])
    BusinessHours.create(**OFFICE_HOURS)
    trunk = Trunk.create(name=TRUNK_NAME, kind="peer", host=TRUNK_HOST, port=5070)
    IvrFlow.create(name=IVR_NAME, version=1, graph=IVR_GRAPH, active=True)
    InboundNumber.create(number=IVR_NUMBER, trunk=trunk, target_type="ivr", target=IVR_NAME)
    OutboundRoute.create(name=OUTSIDE_LINE, patterns=["9|."], trunks=[TRUNK_NAME])


def _create_boxes(pin_hash: str) -> None:
    """Give the demo's agents and queues mailboxes with the demo PIN."""
    ensure_boxes()
    for queue_name in QUEUES:
        queue = Queue.get(Queue.name == queue_name)
        VoicemailBox.create(name=queue_name, title=QUEUE_TITLES[queue_name], queue=queue)
    names = [*(ext for ext, _ in AGENTS), *QUEUES]
    VoicemailBox.update(pin_hash=pin_hash).where(VoicemailBox.name.in_(names)).execute()


def _remove_demo_rows() -> None:
    """Delete rows that would collide with the demo's (for --force)."""
    VoicemailBox.delete().where(VoicemailBox.name.in_([*(e for e, _ in AGENTS), *QUEUES])).execute()
    InboundNumber.delete().where(InboundNumber.number == IVR_NUMBER).execute()
    OutboundRoute.delete().where(OutboundRoute.name == OUTSIDE_LINE).execute()
    IvrFlow.delete().where(IvrFlow.name == IVR_NAME).execute()
    Trunk.delete().where(Trunk.name == TRUNK_NAME).execute()
    BusinessHours.delete().where(BusinessHours.name == OFFICE_HOURS["name"]).execute()
    Queue.delete().where(Queue.name.in_(list(QUEUES))).execute()
    Customer.delete().where(Customer.number.in_([n for n, *_ in CUSTOMERS])).execute()
    Agent.delete().where(Agent.extension.in_([ext for ext, _ in AGENTS])).execute()
    User.delete().where(User.username == ADMIN_USERNAME).execute()


def _hash_password(password: str) -> str:
    """Return the web's argon2 hash of password (the web's helper when it is there)."""
    try:
        from web.auth.services import hash_password
    except ImportError:  # the web package is optional for the command line
        from argon2 import PasswordHasher

        return PasswordHasher().hash(password)
    return str(hash_password(password))


def _random_text(length: int) -> str:
    """Return random letters and digits, easy to type into a softphone.

    Never starting with "0x": some SIP tools (SIPp among them) read such a password
    as hex and then fail digest auth.
    """
    while (text := "".join(secrets.choice(_ALPHABET) for _ in range(length))).startswith("0x"):
        pass
    return text
