"""The admin assigns a desk phone (MAC, vendor, model) on the agent's page; it is checked and
audited."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from helpers_admin import AGENT_FORM, accept_reloads, log_in_as, post_form
from helpers_i18n import assert_translated
from helpers_web import PASSWORD, StandInEngine, login

from appliance.store.models import Agent, AuditEntry, User
from web.auth.services import hash_password


@pytest.fixture
def admin(client: FlaskClient, engine: StandInEngine) -> FlaskClient:
    """Return a client logged in as an admin, with an engine accepting reloads."""
    accept_reloads(engine)
    return log_in_as(client, "admin")


def test_a_phone_is_assigned_normalised_and_audited(admin: FlaskClient) -> None:
    """The MAC is stored as 12 lowercase digits; the audit log shows the change."""
    agent = Agent.create(extension="1001", name="Li Lei", sip_password="secret-123")
    form = {**AGENT_FORM, "phone_mac": "80:5E:C0:12:34:56", "phone_vendor": "yealink",
            "phone_model": "T54W"}  # fmt: skip
    response = post_form(admin, f"/admin/agents/{agent.id}", form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    agent = Agent.get_by_id(agent.id)
    assert (agent.phone_mac, agent.phone_vendor, agent.phone_model) == ("805ec0123456", "yealink",
                                                                        "T54W")  # fmt: skip
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert entry.area == "agents" and entry.object_key == "1001"
    assert entry.before["phone_mac"] == "" and entry.after["phone_mac"] == "805ec0123456"
    page = admin.get(f"/admin/agents/{agent.id}").get_data(as_text=True)
    assert 'value="805ec0123456"' in page and "Yealink" in page


@pytest.mark.parametrize(
    ("mac", "vendor", "field", "message"),
    [
        ("80:5E:C0:12:34", "yealink", "phone_mac", "A MAC address"),
        ("zz:5E:C0:12:34:56", "yealink", "phone_mac", "A MAC address"),
        ("80:5E:C0:12:34:56", "", "phone_vendor", "Choose the phone&#39;s vendor."),
        ("", "snom", "phone_mac", "Enter the phone&#39;s MAC address."),
        ("80:5E:C0:12:34:56", "nokia", "phone_vendor", "Choose one of"),
    ],
)
def test_a_bad_phone_is_explained_on_its_field(
    admin: FlaskClient, mac: str, vendor: str, field: str, message: str
) -> None:
    """Nothing is saved; the error sits on the field that is wrong."""
    form = {**AGENT_FORM, "name": "Keep Me", "phone_mac": mac, "phone_vendor": vendor}
    response = post_form(admin, "/admin/agents/new", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and f'id="e-{field}"' in page
    assert not Agent.select().exists()


def test_two_agents_cannot_share_a_phone(admin: FlaskClient) -> None:
    """The second agent with the same MAC (typed another way) is refused naming the first."""
    Agent.create(extension="1002", name="Han Meimei", sip_password="secret-123",
                 phone_mac="805ec0123456", phone_vendor="yealink")  # fmt: skip
    form = {**AGENT_FORM, "phone_mac": "80-5e-c0-12-34-56", "phone_vendor": "yealink"}
    response = post_form(admin, "/admin/agents/new", form)
    assert response.status_code == 400
    assert "This phone belongs to agent 1002." in response.get_data(as_text=True)
    assert Agent.select().count() == 1


def test_the_phone_fields_are_in_chinese(client: FlaskClient, engine: StandInEngine) -> None:
    """A Chinese admin sees the phone fields and vendors with no English left but names."""
    accept_reloads(engine)
    User.create(username="owner", password_hash=hash_password(PASSWORD), role="admin",
                language="zh_CN")  # fmt: skip
    assert login(client, "owner", PASSWORD).status_code == 302
    agent = Agent.create(extension="1001", name="wang", sip_password="secret-123",
                         phone_mac="805ec0123456", phone_vendor="yealink")  # fmt: skip
    page = client.get(f"/admin/agents/{agent.id}").get_data(as_text=True)
    assert "话机 MAC 地址" in page
    vendors = ["Yealink", "Grandstream", "Fanvil", "Snom", "Poly"]
    examples = ["billing:3 english:1", "sales:0 support:2"]  # the skills and queues help
    assert_translated(page, allowed=["owner", "wang", "1001", "805ec0123456", "MAC", "SIP",
                                     "IVR", "/provision/", *examples, *vendors])  # fmt: skip
    form = {**AGENT_FORM, "name": "wang", "phone_mac": "80:5E", "phone_vendor": "yealink"}
    refused = post_form(client, f"/admin/agents/{agent.id}", form).get_data(as_text=True)
    assert "MAC 地址：12 位十六进制数字" in refused
