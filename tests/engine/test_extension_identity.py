"""The caller's name shown on a colleague's phone (the calls: tests/e2e/test_e2e_pbx.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from appliance.callflow.acd import AgentStatus
from appliance.engine.extension_calls import ExtensionDesk, display_name


@pytest.mark.parametrize(
    ("name", "quoted"),
    [("Alice Chen", '"Alice Chen"'), ('Li "Boss" Lei', '"Li \\"Boss\\" Lei"'),
     ("back\\slash", '"back\\\\slash"'), ("陈丽", '"陈丽"')],
)  # fmt: skip
def test_names_are_sip_quoted_strings(name: str, quoted: str) -> None:
    assert display_name(name) == quoted


def desk(agents: dict[str, AgentStatus]) -> ExtensionDesk:
    """Return a desk on a stand-in switchboard with these agents and SIP domain pbx.example."""
    sip = SimpleNamespace(domain="pbx.example")
    board = SimpleNamespace(acd=SimpleNamespace(agents=agents), settings=SimpleNamespace(sip=sip))
    return ExtensionDesk(board)  # type: ignore[arg-type]


def test_the_identity_headers_carry_the_callers_name_and_extension() -> None:
    headers = desk({"1001": AgentStatus("1001", "陈丽")}).identity(
        SimpleNamespace(from_number="1001")  # type: ignore[arg-type]
    )
    assert headers["P-Asserted-Identity"] == '"陈丽" <sip:1001@pbx.example>'
    assert headers["Remote-Party-ID"].startswith('"陈丽" <sip:1001@pbx.example>;party=calling')


def test_a_caller_without_a_name_is_shown_by_number() -> None:
    headers = desk({}).identity(SimpleNamespace(from_number="13800138000"))  # type: ignore[arg-type]
    assert headers["P-Asserted-Identity"] == "<sip:13800138000@pbx.example>"
