"""Fixtures of the agent console tests: an agent user at extension 1001 and a customer."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers_web import PASSWORD, csrf_from, login

from appliance.store.models import Agent, CallEvent, Cdr, Customer, User
from web.auth.services import hash_password


def make_user(username: str, role: str = "agent", extension: str = "") -> User:
    """Create a user whose password is PASSWORD."""
    return User.create(
        username=username, password_hash=hash_password(PASSWORD), role=role, extension=extension
    )


def log_in_as(client: FlaskClient, user: User) -> str:
    """Log the client in as user; return the CSRF token of the session."""
    assert login(client, user.username, PASSWORD).status_code == 302
    return csrf_from(client.get("/agent/contacts").get_data(as_text=True))


@pytest.fixture
def agent_row(app: Flask) -> Agent:
    """Return agent 1001."""
    return Agent.create(extension="1001", name="Wang Fang", sip_password="x")


@pytest.fixture
def agent_user(agent_row: Agent) -> User:
    """Return a user of role agent working at 1001."""
    return make_user("wang", "agent", agent_row.extension)


@pytest.fixture
def agent_client(client: FlaskClient, agent_user: User) -> tuple[FlaskClient, str]:
    """Return the client logged in as the agent, and its CSRF token."""
    return client, log_in_as(client, agent_user)


@pytest.fixture
def customer(agent_row: Agent) -> Customer:
    """Return a VIP customer owned by 1001, with a call and a call being rung."""
    found = Customer.create(
        number="13900139000",
        name="ACME Trading",
        company="ACME Ltd",
        address="1 Harbour Road",
        other_numbers="010 6552 9988",
        vip=2,
        owner=agent_row,
    )
    Cdr.create(call_id="old1", started_at=1.7e9, ended_at=1.7e9 + 60,
               from_number="+8613900139000", to_number="100", agent="1002",
               outcome="answered", recording="2026/x/old1.wav")  # fmt: skip
    events = [
        ("call.started", {"from": "13900139000", "to": "100"}),
        ("ivr.prompt", {"prompt": "main-menu", "node": "menu"}),
        ("dtmf", {"digit": "2", "node": "menu"}),
        ("queue.joined", {"queue": "support", "position": 1}),
        ("call.note", {"text": "asked about invoice 7", "by": "1002"}),
        ("agent.ringing", {"agent": "1001", "queue": "support"}),
    ]
    for at, (kind, data) in enumerate(events):
        CallEvent.create(call_id="live1", at=1.8e9 + at, kind=kind, data=data)
    return found
