"""Profiles on a real store: a valid one applies, re-applying shows an empty diff."""

from __future__ import annotations

import json

from peewee import Database
from profile_support import EXAMPLE, edited, example_text

from appliance.config import Settings
from appliance.store.models import Agent, InboundNumber, IvrFlow, Queue, QueueMember, Trunk, User
from provisioning.profiles import manager
from provisioning.profiles.unit import logo_file, unit_path


def apply_text(text: str, settings: Settings) -> manager.Plan:
    """Plan and apply the profile in text; return the plan applied."""
    result = manager.plan(manager.parse(text, "unit.yml"), settings)
    manager.apply(result, settings)
    return result


def test_example_applies_and_reapplying_changes_nothing(
    settings: Settings, store: Database
) -> None:
    """Every section lands in the store and the unit record; the second plan is empty."""
    first = apply_text(example_text(), settings)
    assert not first.empty
    alice = Agent.get(Agent.extension == "1001")
    assert (alice.name, alice.sip_password) == ("Alice Chen", "alice-sip-pass-1")
    assert (alice.phone_mac, alice.phone_vendor, alice.phone_model) == ("805ec0123456", "yealink",
                                                                        "T54W")  # fmt: skip
    members = QueueMember.select().join(Queue).where(Queue.name == "sales")
    assert sorted(m.agent.extension for m in members) == ["1004", "1005"]
    assert Queue.get(Queue.name == "sales").strategy == "ring_all"
    assert Trunk.get(Trunk.name == "carrier").password == "trunk-secret-1"
    assert IvrFlow.get(IvrFlow.name == "main").graph["nodes"]["sales"]["queue"] == "sales"
    number = InboundNumber.get(InboundNumber.number == "02088880000")
    assert (number.trunk.name, number.target_type, number.target) == ("carrier", "ivr", "main")
    assert User.get(User.username == "admin").password_hash.startswith("$argon2id$")
    record = json.loads(unit_path(settings).read_text())
    assert record["unit"] == {"serial": "CB-2026-000123", "hostname": "acme-callbox-01"}
    assert record["branding"]["name"] == "ACME Telecom"
    logo = logo_file(settings)
    assert logo is not None and logo.read_bytes().startswith(b"<svg")
    again = manager.plan(manager.read_profile(EXAMPLE), settings)
    assert again.empty, again.lines()


def test_a_changed_profile_shows_and_applies_only_the_change(
    settings: Settings, store: Database
) -> None:
    """One edited field is one diff line; objects the profile does not name are kept."""
    apply_text(example_text(), settings)
    Agent.create(extension="2001", name="Kept by the admin", sip_password="x" * 12)
    text = edited("strategy: ring_all", "strategy: round_robin")
    result = manager.plan(manager.parse(text, "unit.yml"), settings)
    assert result.lines() == ["~ queue sales: strategy 'ring_all' → 'round_robin'"]
    manager.apply(result, settings)
    assert Queue.get(Queue.name == "sales").strategy == "round_robin"
    assert Agent.get_or_none(Agent.extension == "2001") is not None
    assert manager.plan(manager.parse(text, "unit.yml"), settings).empty


def test_secrets_are_masked_in_the_diff(settings: Settings, store: Database) -> None:
    """A changed SIP password shows as changed, never its value."""
    apply_text(example_text(), settings)
    text = edited('sip_password: "alice-sip-pass-1"', 'sip_password: "alice-new-pass-9"')
    lines = manager.plan(manager.parse(text, "unit.yml"), settings).lines()
    assert lines == ["~ agent 1001: sip_password (secret changed)"]
    assert "alice" not in lines[0].split(":", 1)[1]


def test_an_ivr_change_publishes_a_new_version(settings: Settings, store: Database) -> None:
    """The old version is kept inactive; the new one is active."""
    apply_text(example_text(), settings)
    apply_text(edited("timeout: 6", "timeout: 8"), settings)
    versions = {f.version: f.active for f in IvrFlow.select().where(IvrFlow.name == "main")}
    assert versions == {1: False, 2: True}


def test_a_mac_another_agent_keeps_is_refused(settings: Settings, store: Database) -> None:
    """A phone of the box's agent 2001 cannot be given to 1001 by a profile."""
    Agent.create(extension="2001", name="Desk", sip_password="y" * 12, phone_mac="805ec0123456",
                 phone_vendor="yealink")  # fmt: skip
    text = example_text()
    try:
        manager.plan(manager.parse(text, "unit.yml"), settings)
    except manager.ProfileError as exc:
        assert "agent 2001" in str(exc) and exc.line == text[: text.index("80:5E")].count("\n") + 1
    else:
        raise AssertionError("the MAC conflict was not refused")
    assert Agent.select().count() == 1
