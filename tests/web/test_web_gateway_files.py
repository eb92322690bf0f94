"""Gateway provisioning over HTTP (sipgw boards): each vendor's file parses in its format,
carries each port's account, and is served for its MAC with the board's credentials only."""

from __future__ import annotations

import base64
import configparser
import xml.etree.ElementTree as ET

import pytest
from flask.testing import FlaskClient

from appliance import config
from appliance.store.models import Agent
from provisioning.gateways import VENDORS

PASSWORD = "Gw-Secret-0001"


def board(vendor: str, mac: str, ports: list[str], numbers: list[str]) -> dict[str, object]:
    """Return a sipgw board's config."""
    return {"name": "gw1", "type": "sipgw", "vendor": vendor, "model": "X1", "mac": mac,
            "password": PASSWORD, "ports": ports, "numbers": numbers}  # fmt: skip


def basic(user: str, password: str) -> dict[str, str]:
    """Return a basic Authorization header."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def grandstream(text: str) -> dict[str, str]:
    """Parse a gs_provision document: P-value -> text."""
    root = ET.fromstring(text)
    assert root.tag == "gs_provision" and root.findtext("mac") == "000b82123456"
    settings = root.find("config")
    assert settings is not None
    return {element.tag: element.text or "" for element in settings}


def yeastar(text: str) -> dict[str, dict[str, str]]:
    """Parse a Yeastar INI file: section -> key -> value (duplicates are an error)."""
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.read_string(text)
    return {name: dict(parser[name]) for name in parser.sections()}


@pytest.fixture
def agents(client: FlaskClient, settings: config.Settings) -> None:
    """Agent 1002 (the FXS port's phone) with a SIP password; the box's phone server set."""
    settings.provisioning.phone_server = "pbx.example.lan"
    Agent.create(extension="1002", name="Reception", sip_password="pw-1002-secret")


@pytest.mark.parametrize("vendor", ["grandstream-ht8xx", "grandstream-gxw"])
def test_grandstream_file_has_each_ports_account(
    client: FlaskClient, settings: config.Settings, agents: None, vendor: str
) -> None:
    settings.boards = [board(vendor, "00:0B:82:12:34:56", ["fxo", "fxs"], ["100", "1002"])]
    response = client.get("/provision/cfg000b82123456.xml", headers=basic("gw1", PASSWORD))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.content_type.startswith("application/xml")
    values = grandstream(response.get_data(as_text=True))
    server = f"pbx.example.lan:{settings.sip.port}"
    assert (values["P271"], values["P47"], values["P35"], values["P36"], values["P34"]) == (
        "1", server, "gw1-fxo1", "gw1-fxo1", PASSWORD)  # fmt: skip
    second = ("P401", "P747", "P735", "P734") if vendor.endswith("ht8xx") else (
        "P401", "P402", "P404", "P406")  # fmt: skip
    assert [values[p] for p in second] == ["1", server, "1002", "pw-1002-secret"]


def test_yeastar_file_has_each_ports_account(
    client: FlaskClient, settings: config.Settings, agents: None
) -> None:
    settings.boards = [board("yeastar-ta", "f4b549000001", ["fxo", "fxo", "fxs"],
                             ["100", "200", "1002"])]  # fmt: skip
    response = client.get("/provision/f4b549000001.cfg", headers=basic("gw1", PASSWORD))
    assert response.status_code == 200, response.get_data(as_text=True)
    sections = yeastar(response.get_data(as_text=True))
    assert sections["sipserver1"]["server"] == "pbx.example.lan"
    assert (sections["port1"]["type"], sections["port1"]["username"]) == ("fxo", "gw1-fxo1")
    assert sections["port1"]["pstn_to_voip_destination"] == "100"
    assert (sections["port2"]["username"], sections["port2"]["password"]) == ("gw1-fxo2", PASSWORD)
    assert (sections["port3"]["type"], sections["port3"]["username"]) == ("fxs", "1002")
    assert sections["port3"]["password"] == "pw-1002-secret"


def test_an_fxs_port_whose_extension_has_no_agent_is_left_off(
    client: FlaskClient, settings: config.Settings, agents: None
) -> None:
    settings.boards = [board("yeastar-ta", "f4b549000001", ["fxs", "fxs"], ["1002", "1077"])]
    response = client.get("/provision/f4b549000001.cfg", headers=basic("gw1", PASSWORD))
    sections = yeastar(response.get_data(as_text=True))
    assert sections["port1"]["enable"] == "1" and sections["port2"] == {"type": "fxs",
                                                                         "enable": "0"}  # fmt: skip


@pytest.mark.parametrize(
    ("vendor", "mac", "filename"),
    [("grandstream-ht8xx", "000b82123456", "cfg000b82123456.xml"),
     ("yeastar-ta", "f4b549000001", "f4b549000001.cfg")],
)  # fmt: skip
def test_a_gateway_file_is_refused_without_the_boards_credentials(
    client: FlaskClient,
    settings: config.Settings,
    agents: None,
    vendor: str,
    mac: str,
    filename: str,
) -> None:
    settings.boards = [board(vendor, mac, ["fxo", "fxs"], ["100", "1002"])]
    for headers in ({}, basic("gw1", "wrong-password"), basic("1002", "pw-1002-secret"),
                    basic("gw2", PASSWORD)):  # fmt: skip
        response = client.get(f"/provision/{filename}", headers=headers)
        assert response.status_code == 401
        assert PASSWORD not in response.get_data(as_text=True)
    other = filename.replace(mac, "000b82ffffff" if vendor.startswith("gr") else "f4b549ffffff")
    assert client.get(f"/provision/{other}", headers=basic("gw1", PASSWORD)).status_code == 401
    lan = {"REMOTE_ADDR": "192.168.50.17"}
    settings.provisioning.phone_networks = ["192.168.50.0/24"]
    assert client.get(f"/provision/{filename}", environ_base=lan).status_code == 200
    assert client.get(f"/provision/{other}", environ_base=lan).status_code == 404


def test_every_vendor_key_has_a_writer() -> None:
    from appliance.boards.sipgw.schema import VENDORS as KEYS

    assert sorted(VENDORS) == sorted(KEYS)
    for key, vendor in VENDORS.items():
        assert key in vendor.keys
