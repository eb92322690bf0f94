"""Phone provisioning over HTTP: each vendor's file parses in its format, is served for its MAC
with the phone's credentials and refused without them (or for a MAC no agent has)."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from appliance import config
from appliance.store.models import Agent, Queue, QueueMember

# vendor, MAC as the admin typed it, the file the phone asks for
PHONES = [
    ("yealink", "80:5E:C0:12:34:56", "805ec0123456.cfg"),
    ("grandstream", "00:0B:82:12:34:57", "cfg000b82123457.xml"),
    ("fanvil", "0c383e123458", "0c383e123458.cfg"),
    ("snom", "00-04-13-12-34-59", "000413123459.xml"),
    ("poly", "64:16:7f:12:34:5a", "64167f12345a-phone.cfg"),
    ("poly", "64:16:7f:12:34:5a", "64167F12345A.cfg"),
]
COLLEAGUES = [("1002", "Bob Li"), ("1003", "Carol Wang")]


def yealink(text: str) -> dict[str, str]:
    """Parse a Yealink .cfg: the version header, then only `key = value` lines."""
    lines = text.splitlines()
    assert lines[0] == "#!version:1.0.0.1"
    pairs = {}
    for line in lines[1:]:
        found = re.fullmatch(r"([a-z0-9_.]+) = (.*)", line)
        assert found, line
        pairs[found.group(1)] = found.group(2)
    return pairs


def fanvil(text: str) -> dict[str, str]:
    """Parse a Fanvil .cfg: header, <module> lines, `Key :value` lines, end marker."""
    lines = text.splitlines()
    assert lines[0].startswith("<<VOIP CONFIG FILE>>Version:") and lines[-1] == "<<END OF FILE>>"
    pairs = {}
    for line in lines[1:-1]:
        if not line or re.fullmatch(r"<[A-Z ]+>", line):
            continue
        found = re.fullmatch(r"(\S[^:]*?) *:(.*)", line)
        assert found, line
        pairs[found.group(1)] = found.group(2)
    return pairs


def xml_values(text: str) -> dict[str, str]:
    """Parse an XML file; return every element's text and attribute by name."""
    root = ET.fromstring(text)
    values = {}
    for element in root.iter():
        values.update(element.attrib)
        if element.text and element.text.strip():
            values.setdefault(element.tag, element.text)
            if element.get("idx") is not None:
                values[f"{element.tag}.{element.get('idx')}"] = element.text
    return values


def poly_master(text: str) -> dict[str, str]:
    """Parse Poly's master file: it names the phone file."""
    root = ET.fromstring(text)
    assert root.tag == "APPLICATION"
    return dict(root.attrib)


# What each vendor's file must say: a parser and, per field, the key holding it.
FORMATS: dict[str, tuple[Callable[[str], dict[str, str]], dict[str, str]]] = {
    "805ec0123456.cfg": (yealink, {"user": "account.1.user_name", "password":
                                   "account.1.password", "server": "account.1.sip_server.1.address",
                                   "blf": "linekey.2.value"}),
    "cfg000b82123457.xml": (xml_values, {"user": "P35", "password": "P34", "server": "P47",
                                         "blf": "P303"}),
    "0c383e123458.cfg": (fanvil, {"user": "SIP1 Register User", "password": "SIP1 Register Pswd",
                                  "server": "SIP1 Register Addr", "blf": "Fkey1 Value"}),
    "000413123459.xml": (xml_values, {"user": "user_name", "password": "user_pass",
                                      "server": "user_host", "blf": "fkey.0"}),
    "64167f12345a-phone.cfg": (xml_values, {"user": "reg.1.auth.userId",
                                            "password": "reg.1.auth.password",
                                            "server": "reg.1.server.1.address",
                                            "blf": "attendant.resourceList.1.address"}),
}  # fmt: skip


@pytest.fixture
def phones(app: Flask, settings: config.Settings) -> dict[str, Agent]:
    """Give agent 1001 each vendor's phone in turn (by test); 1002, 1003 are queue mates."""
    settings.provisioning.phone_server = "pbx.example.lan"
    queue = Queue.create(name="support")
    for extension, name in [("1001", "Alice Chen"), *COLLEAGUES]:
        agent = Agent.create(extension=extension, name=name, sip_password=f"pw-{extension}-secret")
        QueueMember.create(queue=queue, agent=agent)
    Agent.create(extension="1009", name="Not In Support", sip_password="pw-1009-secret")
    return {a.extension: a for a in Agent.select()}


def assign(extension: str, vendor: str, mac: str) -> None:
    """Give the agent a phone as the admin page stores it."""
    clean = re.sub(r"[:-]", "", mac.lower())
    Agent.update(phone_mac=clean, phone_vendor=vendor).where(Agent.extension == extension).execute()


def basic(user: str, password: str) -> dict[str, str]:
    """Return a basic Authorization header."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.mark.parametrize(("vendor", "mac", "filename"), PHONES)
def test_each_vendor_file_is_served_with_credentials_and_parses(
    client: FlaskClient, phones: dict[str, Agent], vendor: str, mac: str, filename: str
) -> None:
    """The agent's extension and SIP password fetch a file that parses and says the right things."""
    assign("1001", vendor, mac)
    response = client.get(f"/provision/{filename}", headers=basic("1001", "pw-1001-secret"))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    if filename not in FORMATS:  # Poly's master file: it points at the phone file
        assert poly_master(text)["CONFIG_FILES"] == "64167f12345a-phone.cfg"
        return
    parse, keys = FORMATS[filename]
    values = parse(text)
    assert values[keys["user"]] == "1001"
    assert values[keys["password"]] == "pw-1001-secret"
    assert values[keys["server"]].startswith("pbx.example.lan")
    assert "1002" in values[keys["blf"]]  # the first queue mate's BLF key
    assert "1009" not in text  # not a queue mate


@pytest.mark.parametrize(("vendor", "mac", "filename"), PHONES)
def test_a_phone_file_is_refused_without_the_right_credentials(
    client: FlaskClient, phones: dict[str, Agent], vendor: str, mac: str, filename: str
) -> None:
    """No credentials, another agent's, or a wrong password: 401 and no secret in the body."""
    assign("1001", vendor, mac)
    for headers in ({}, basic("1002", "pw-1002-secret"), basic("1001", "wrong-password")):
        response = client.get(f"/provision/{filename}", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic ")
        assert "pw-1001" not in response.get_data(as_text=True)


def test_an_unknown_mac_or_vendor_is_refused(client: FlaskClient, phones: dict[str, Agent]) -> None:
    """A MAC no agent has, or a file name of another vendor than the agent's phone: 401."""
    assign("1001", "yealink", "80:5E:C0:12:34:56")
    creds = basic("1001", "pw-1001-secret")
    assert client.get("/provision/805ec0ffffff.cfg", headers=creds).status_code == 401
    assert client.get("/provision/cfg805ec0123456.xml", headers=creds).status_code == 401
    assert client.get("/provision/../../etc/passwd", headers=creds).status_code == 404


def test_yealink_and_fanvil_share_a_name_and_the_agents_vendor_decides(
    client: FlaskClient, phones: dict[str, Agent]
) -> None:
    """`<mac>.cfg` is Yealink's and Fanvil's: the assigned vendor's format is served."""
    assign("1001", "fanvil", "805ec0123456")
    response = client.get("/provision/805ec0123456.cfg", headers=basic("1001", "pw-1001-secret"))
    assert response.get_data(as_text=True).startswith("<<VOIP CONFIG FILE>>")


def test_an_allowed_network_needs_no_credentials(
    client: FlaskClient, phones: dict[str, Agent], settings: config.Settings
) -> None:
    """Phones on provisioning.phone_networks fetch without a password; others still may not."""
    settings.provisioning.phone_networks = ["192.168.50.0/24"]
    assign("1001", "snom", "000413123459")
    lan = {"REMOTE_ADDR": "192.168.50.17"}
    assert client.get("/provision/000413123459.xml", environ_base=lan).status_code == 200
    assert client.get("/provision/000413ffffff.xml", environ_base=lan).status_code == 404
    outside = {"REMOTE_ADDR": "10.1.2.3"}
    assert client.get("/provision/000413123459.xml", environ_base=outside).status_code == 401


def test_phones_are_served_before_the_setup_is_done(
    client: FlaskClient, phones: dict[str, Agent]
) -> None:
    """No admin yet (the setup wizard leads every page): phone files are still served."""
    assign("1001", "yealink", "805ec0123456")
    response = client.get("/provision/805ec0123456.cfg", headers=basic("1001", "pw-1001-secret"))
    assert response.status_code == 200


def test_values_cannot_break_out_of_their_line_or_element(
    client: FlaskClient, phones: dict[str, Agent]
) -> None:
    """A name with a line break or XML markup stays one value."""
    Agent.update(name="Eve\naccount.1.password = stolen <x>&").where(
        Agent.extension == "1001"
    ).execute()
    creds = basic("1001", "pw-1001-secret")
    assign("1001", "yealink", "805ec0123456")
    values = yealink(client.get("/provision/805ec0123456.cfg", headers=creds).get_data(True))
    assert values["account.1.password"] == "pw-1001-secret"
    assign("1001", "snom", "000413123459")
    values = xml_values(client.get("/provision/000413123459.xml", headers=creds).get_data(True))
    assert values["user_realname"] == "Eve\naccount.1.password = stolen <x>&"


def test_guessing_credentials_is_throttled(client: FlaskClient, phones: dict[str, Agent]) -> None:
    """After 20 wrong tries from one address it waits (429), even with the right password."""
    assign("1001", "yealink", "805ec0123456")
    for attempt in range(20):
        wrong = basic("1001", f"guess-{attempt}")
        assert client.get("/provision/805ec0123456.cfg", headers=wrong).status_code == 401
    right = client.get("/provision/805ec0123456.cfg", headers=basic("1001", "pw-1001-secret"))
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0
    other = {"REMOTE_ADDR": "10.9.9.9"}
    served = client.get("/provision/805ec0123456.cfg", headers=basic("1001", "pw-1001-secret"),
                        environ_base=other)  # fmt: skip
    assert served.status_code == 200


def test_a_first_try_without_credentials_is_not_counted(
    client: FlaskClient, phones: dict[str, Agent]
) -> None:
    """Phones ask without credentials first; that alone never locks them out."""
    assign("1001", "yealink", "805ec0123456")
    for _ in range(25):
        assert client.get("/provision/805ec0123456.cfg").status_code == 401
    creds = basic("1001", "pw-1001-secret")
    assert client.get("/provision/805ec0123456.cfg", headers=creds).status_code == 200
