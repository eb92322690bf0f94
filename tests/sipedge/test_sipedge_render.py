"""Rendering Kamailio's config and `kamailio -c` on it."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from helpers_sipedge import make_settings

from appliance import config
from appliance.sipedge.exceptions import SipEdgeError
from appliance.sipedge.manager import Kamailio
from appliance.sipedge.render import config_path, render, write_config


def test_default_settings_render_and_pass_kamailio_check(tmp_path: Path) -> None:
    """Check that the stock settings (port 5060) give a config Kamailio accepts."""
    overrides = {"paths": {"var": str(tmp_path)}}
    settings = config.load(config_file=tmp_path / "absent.yml", env={}, overrides=overrides)
    path = write_config(settings)
    Kamailio(settings).check_config()
    text = path.read_text()
    assert "listen=udp:127.0.0.1:5060" in text
    assert "listen=tcp:127.0.0.1:5060" in text
    assert 'alias="127.0.0.1:5060"' in text
    assert "auto_aliases=no" in text
    assert f'"sqlite:///{tmp_path}/kamailio/kamailio.db"' in text
    assert '$si == "127.0.0.1" && $sp == 5080' in text
    assert 'is_in_subnet("$si", "127.0.0.1/32")' in text


def test_non_default_ports_and_domain_pass_kamailio_check(tmp_path: Path) -> None:
    """Check ports, a hostname domain and CIDR exemptions in a config Kamailio accepts."""
    settings = make_settings(
        tmp_path,
        domain="pbx.example.test",
        pike_exempt=["10.0.0.0/8", "192.168.1.7"],
        pike_reqs_density=40,
    )
    write_config(settings)
    Kamailio(settings).check_config()
    text = config_path(settings).read_text()
    port, engine_port = settings.sip.port, settings.engine.port
    assert f"listen=udp:127.0.0.1:{port}" in text
    assert f'alias="pbx.example.test:{port}"' in text
    assert 'alias="pbx.example.test:5060"' in text
    assert 'www_authorize("pbx.example.test", "subscriber")' in text
    assert f"@127.0.0.1:{engine_port}" in text
    assert '"10.0.0.0/8,192.168.1.7/32"' in text
    assert 'modparam("pike", "reqs_density_per_unit", 40)' in text


@pytest.mark.parametrize(
    ("sip", "key"),
    [
        ({"listen": "localhost"}, "sip.listen"),
        ({"listen": "0.0.0.0"}, "sip.listen"),
        ({"domain": 'pbx"; drop;'}, "sip.domain"),
        ({"pike_exempt": ["not-an-ip"]}, "sip.pike_exempt"),
    ],
)
def test_unsafe_settings_are_refused_naming_the_key(tmp_path: Path, sip: dict, key: str) -> None:
    """Check that values that could break the config's syntax are refused, naming the key."""
    settings = make_settings(tmp_path, **sip)
    with pytest.raises(SipEdgeError, match=re.escape(f"'{key}'")):
        render(settings)


def test_wildcard_engine_address_is_refused(tmp_path: Path) -> None:
    """Check that the engine must have one address, since the edge trusts it by address."""
    settings = make_settings(tmp_path)
    settings.engine.listen = "0.0.0.0"
    with pytest.raises(SipEdgeError, match=re.escape("'engine.listen' must be one IP address")):
        render(settings)


def test_written_config_is_private_and_replaced_atomically(settings: config.Settings) -> None:
    """Check mode 0600 and that no temporary file is left beside the config."""
    path = write_config(settings)
    write_config(settings)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["kamailio.cfg"]


def test_check_config_reports_kamailio_error_line(settings: config.Settings) -> None:
    """Check that a broken config raises SipEdgeError carrying Kamailio's own complaint."""
    path = write_config(settings)
    path.write_text(path.read_text().replace("route(CLASSIFY);", "no_such_function();"))
    with pytest.raises(SipEdgeError) as caught:
        Kamailio(settings).check_config()
    message = str(caught.value)
    assert message.startswith(f"kamailio rejects {path}: ")
    assert "line" in message
    assert "\n" not in message
