"""A registering trunk's state, which trunks calls out may try, how a call in finds its trunk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.config import load
from appliance.engine.legs import request_uri_param
from appliance.engine.outbound_store import load_trunks
from appliance.engine.queue_store import TrunkPeer, outbound_trunk
from appliance.engine.trunk_registration import Registration, RegState, takes_calls_out
from appliance.store.manager import open_store
from appliance.store.models import Trunk


def test_a_2xx_with_an_expiry_is_registered_and_news() -> None:
    before = Registration(changed_at=1.0)
    after = before.answered(200, "OK", 300, 5.0)
    assert (after.state, after.code, after.expires, after.changed_at) == (
        RegState.REGISTERED, 200, 300, 5.0)  # fmt: skip
    assert after.is_news(before) and after.event == "trunk.registered"


def test_a_refresh_that_succeeds_again_is_no_news() -> None:
    registered = Registration().answered(200, "OK", 300, 5.0)
    refreshed = registered.answered(200, "OK", 300, 300.0)
    assert refreshed.changed_at == 5.0 and not refreshed.is_news(registered)


def test_a_refusal_is_failing_with_the_code_and_no_expiry() -> None:
    registered = Registration().answered(200, "OK", 300, 5.0)
    failing = registered.answered(403, "Forbidden", 0, 9.0)
    assert (failing.state, failing.code, failing.reason, failing.expires) == (
        RegState.FAILING, 403, "Forbidden", 0)  # fmt: skip
    assert failing.is_news(registered) and failing.event == "trunk.registration_failed"


def test_the_same_failure_again_is_no_news_but_another_code_is() -> None:
    failing = Registration().answered(408, "Request Timeout", 0, 5.0)
    again = failing.answered(408, "Request Timeout", 0, 65.0)
    assert not again.is_news(failing)
    other = again.answered(503, "Service Unavailable", 0, 125.0)
    assert other.is_news(again) and other.changed_at == 125.0


def test_no_answer_at_all_is_failing() -> None:
    assert Registration().answered(0, "timeout", 0, 1.0).state == RegState.FAILING


def test_a_2xx_with_expiry_zero_is_unregistered_and_no_event() -> None:
    registered = Registration().answered(200, "OK", 300, 5.0)
    gone = registered.answered(200, "OK", 0, 9.0)
    assert gone.state == RegState.UNREGISTERED and not gone.is_news(registered)


def test_the_control_api_form() -> None:
    reg = Registration().answered(200, "OK", 300, 5.0)
    assert reg.as_dict() == {"state": "registered", "code": 200, "reason": "OK",
                             "expires": 300, "changed_at": 5.0}  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "registration", "expected"),
    [
        ("peer", None, True),
        ("register", None, False),
        ("register", Registration(), False),
        ("register", Registration().answered(403, "Forbidden", 0, 1.0), False),
        ("register", Registration().answered(200, "OK", 300, 1.0), True),
    ],
)
def test_only_ip_peers_and_registered_trunks_take_calls_out(
    kind: str, registration: Registration | None, expected: bool
) -> None:
    assert takes_calls_out(kind, registration) is expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("INVITE sip:user@10.0.0.1:5070;line=ab12;ob SIP/2.0\r\nVia: x\r\n", "ab12"),
        ("INVITE sip:user@10.0.0.1;LINE=ab12?x=y SIP/2.0\r\n", "ab12"),
        ("INVITE sip:100@10.0.0.1:5070 SIP/2.0\r\nTo: <sip:a@b;line=zz>\r\n", ""),
        ("garbage", ""),
    ],
)
def test_a_call_ins_line_parameter_is_read_from_the_request_uri_only(
    message: str, expected: str
) -> None:
    assert request_uri_param(message, "line") == expected


@pytest.fixture
def store(tmp_path: Path) -> Iterator[None]:
    """Bind the models to a fresh, migrated SQLite store."""
    settings = load(tmp_path / "absent.yml", env={"CALLBOX_PATHS__VAR": str(tmp_path / "var")})
    database = open_store(settings)
    yield
    database.close()


def test_the_engine_reads_a_registering_trunks_credentials(store: None) -> None:
    Trunk.create(name="reg", kind="register", host="sip.carrier.test", port=5080,
                 username="acct", password="pw", max_channels=4)  # fmt: skip
    Trunk.create(name="off", kind="register", host="x", username="u", password="p", enabled=False)
    peer = load_trunks()["reg"]
    assert peer == TrunkPeer("reg", "sip.carrier.test", 5080, 4, "register", "acct", "pw")
    assert "pw" not in repr(peer)  # kept out of logs
    assert "off" not in load_trunks()
    assert outbound_trunk() == peer


def test_click_to_dial_passes_over_a_registration_not_registered_and_an_unreachable_peer() -> None:
    from types import SimpleNamespace

    from appliance.callflow.call_class import CallClass
    from appliance.callflow.outbound_plan import OutboundCall
    from appliance.engine.click_dial import ClickToDial
    from appliance.engine.trunk_reachability import Reachability

    down = TrunkPeer("down", "192.0.2.1", 5060, kind="register", username="u", password="p")
    up = TrunkPeer("up", "192.0.2.2", 5060)
    silent = TrunkPeer("silent", "192.0.2.3", 5060)
    states = {"down": Registration().answered(403, "Forbidden", 0, 1.0)}
    gone = Reachability().probed(200, 5, 1.0).probed(None, 0, 2.0).probed(None, 0, 3.0)
    board = SimpleNamespace(
        directory=SimpleNamespace(trunks={"down": down, "up": up, "silent": silent}),
        trunk_accounts=SimpleNamespace(registration=states.get),
        trunk_reachability={"silent": gone}.get,
    )
    clicks = ClickToDial.__new__(ClickToDial)
    clicks.board = board  # type: ignore[assignment]
    plan = OutboundCall("0101234", "r", ("down", "up"), "", CallClass.named("national"), 0)
    assert clicks._trunks(plan) == [up]
    past_silent = OutboundCall("0101234", "r", ("silent", "up"), "", CallClass.named("national"), 0)
    assert clicks._trunks(past_silent) == [up]
    only_down = OutboundCall("0101234", "r", ("down",), "", CallClass.named("national"), 0)
    assert clicks._trunks(only_down) == [down]  # nothing better: tried all the same
