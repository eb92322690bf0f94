"""Invalid profiles are refused with the line of the mistake, and change nothing."""

from __future__ import annotations

import pytest
from peewee import Database
from profile_support import edited, line_of

from appliance.config import Settings
from appliance.store.models import Agent
from provisioning.profiles import manager
from provisioning.profiles.exceptions import ProfileError
from provisioning.profiles.validate import ProfileInvalid

# (what is replaced, by what, the fragment on the faulty line, words of the message)
CASES = [
    ('sip_password: "bob-sip', 'sip_pasword: "bob-sip', "sip_pasword", "unknown key"),
    ('password_hash: "$argon2id$v=19$m=65536,t=3,p=4$JZItoAx03FowIOLAW/PT9A$WXwBI/VTpMwG1wPpUbhB1'
     '/6q/RYhEqTiI2dLw63VE34"', 'password_hash: "change-me-now"',
     'password_hash: "change-me-now"', "never a plain password"),
    ('members: ["1004", "1005"]', 'members: ["1004", "1099"]', '"1099"', "no agent 1099"),
    ("target: ivr:main", "target: ivr:mian", "ivr:mian", "no ivr 'mian'"),
    ('mac: "00:04:13:12:34:59"', 'mac: "00:04:13:12:34"', '"00:04:13:12:34"', "MAC address"),
    ("sales: {type: queue, queue: sales}", "sales: {type: queue, queue: saels}", "saels",
     "saels"),
    ("  hostname: acme-callbox-01", "  hostname: acme callbox", "acme callbox", "not a host name"),
    ("    port: 5060", "    port: 99999", "port: 99999", "99999"),
    ("timezone: Asia/Shanghai", "timezone: Asia/Shangai", "Asia/Shangai", "Shangai"),
    ('  - extension: "1003"', '  - extension: "1002"', 'extension: "1002"\n    name: Carol',
     "given twice"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "fragment", "words"), CASES)
def test_a_mistake_is_refused_with_its_line(
    old: str, new: str, fragment: str, words: str, settings: Settings, store: Database
) -> None:
    """The first problem names the faulty line and says what is wrong."""
    text = edited(old, new)
    with pytest.raises(ProfileInvalid) as caught:
        manager.parse(text, "unit.yml")
    assert caught.value.line == line_of(text, fragment), str(caught.value)
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"unit.yml:{line_of(text, fragment)}: ")
    assert Agent.select().count() == 0


def test_every_problem_is_listed_first_line_first() -> None:
    """Two mistakes: both reported, in file order."""
    text = edited("    port: 5060", "    port: 0", edited("  serial: CB", "  serial: C B"))
    with pytest.raises(ProfileInvalid) as caught:
        manager.parse(text, "unit.yml")
    lines = [p.line for p in caught.value.problems]
    assert lines == [line_of(text, "serial: C B"), line_of(text, "port: 0")]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("version: 1\nunit: {serial: a\n", 3, "not valid YAML"),
        ("version: 1\nunit:\n  serial: a\n  serial: b\n", 4, "given twice"),
        ("- a list\n", 1, "must be a mapping"),
        ("version: 1\n", 1, "'unit' is a required property"),
        ("version: 2\nunit: {serial: a, hostname: b}\n", 1, "version"),
    ],
)
def test_broken_documents_are_refused_with_the_line(text: str, line: int, words: str) -> None:
    """YAML errors, duplicate keys, wrong top level and a wrong version name their line."""
    with pytest.raises(ProfileError) as caught:
        manager.parse(text, "p.yml")
    assert caught.value.line == line
    assert words in str(caught.value)
