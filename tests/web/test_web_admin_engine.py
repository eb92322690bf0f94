"""Admin changes reach the engine: a refused change is undone, a stopped engine keeps it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from helpers_admin import (
    AGENT_FORM,
    QUEUE_FORM,
    accept_reloads,
    log_in_as,
    post_form,
    refuse_reloads,
)
from helpers_web import StandInEngine

from appliance.store.models import Agent, AgentSkill, AuditEntry, BusinessHours, Queue, utcnow
from web.admin.audit import PAGE_SIZE


@pytest.fixture
def admin(client: FlaskClient) -> FlaskClient:
    """Return a client logged in as an admin."""
    return log_in_as(client, "admin")


def test_every_change_asks_the_engine_to_reload(admin: FlaskClient, engine: StandInEngine) -> None:
    accept_reloads(engine)
    assert post_form(admin, "/admin/queues/new", QUEUE_FORM).status_code == 302
    assert engine.received[-1] == ("reload", {})


def test_a_refused_new_queue_is_removed_and_the_engine_says_why(
    admin: FlaskClient, engine: StandInEngine
) -> None:
    refuse_reloads(engine, "queue 'sales' names a strategy nobody knows")
    response = post_form(admin, "/admin/queues/new", QUEUE_FORM)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "nothing was saved" in page and "names a strategy nobody knows" in page
    assert 'value="Sales"' in page
    assert not Queue.select().exists() and not AuditEntry.select().exists()


def test_a_refused_agent_change_puts_back_the_agent_and_its_skills(
    admin: FlaskClient, engine: StandInEngine
) -> None:
    agent = Agent.create(extension="1001", name="Before", sip_password="old-secret-1")
    AgentSkill.create(agent=agent, skill="billing", level=2)
    refuse_reloads(engine)
    form = {**AGENT_FORM, "name": "After", "sip_password": "new-secret-1", "skills": "zh:5"}
    assert post_form(admin, f"/admin/agents/{agent.id}", form).status_code == 409
    again = Agent.get_by_id(agent.id)
    assert (again.name, again.sip_password) == ("Before", "old-secret-1")
    assert [(s.skill, s.level) for s in again.skills] == [("billing", 2)]


def test_a_refused_delete_puts_the_row_back(admin: FlaskClient, engine: StandInEngine) -> None:
    agent = Agent.create(extension="1001", name="Li", sip_password="old-secret-1")
    AgentSkill.create(agent=agent, skill="billing", level=2)
    refuse_reloads(engine)
    assert post_form(admin, f"/admin/agents/{agent.id}/delete", {}).status_code == 409
    assert Agent.get_by_id(agent.id).name == "Li" and AgentSkill.select().count() == 1


def test_with_the_engine_stopped_the_change_is_kept_and_the_page_says_so(
    admin: FlaskClient,
) -> None:
    response = post_form(admin, "/admin/queues/new", QUEUE_FORM, follow_redirects=True)
    assert "the change applies when it starts" in response.get_data(as_text=True)
    assert Queue.get(Queue.name == "sales").title == "Sales"


def test_the_audit_keeps_before_and_after_with_the_sip_password_masked(
    admin: FlaskClient, engine: StandInEngine
) -> None:
    accept_reloads(engine)
    form = {**AGENT_FORM, "sip_password": "first-secret"}
    post_form(admin, "/admin/agents/new", form)
    agent = Agent.get()
    post_form(admin, f"/admin/agents/{agent.id}", {**form, "name": "Han Meimei",
                                                   "sip_password": "second-secret"})  # fmt: skip
    created, updated = AuditEntry.select().order_by(AuditEntry.id)
    assert (created.action, created.before, created.after["sip_password"]) == (
        "create", None, "********",
    )  # fmt: skip
    assert updated.before["name"] == "Li Lei" and updated.after["name"] == "Han Meimei"
    assert updated.after["sip_password"] == "******** (changed)"
    log = AuditEntry.select().where(AuditEntry.before.contains("secret")).count()
    assert log == 0 and AuditEntry.select().where(AuditEntry.after.contains("secret")).count() == 0
    history = admin.get(f"/admin/agents/{agent.id}").get_data(as_text=True)
    assert "Han Meimei" in history and "second-secret" not in history


def test_the_audit_page_filters_by_area_user_and_day(admin: FlaskClient) -> None:
    AuditEntry.create(username="admin1", area="queues", object_key="sales", action="create",
                      after={"name": "sales"})  # fmt: skip
    AuditEntry.create(username="bob", area="agents", object_key="1001", action="delete",
                      at=utcnow() - timedelta(days=3), before={"name": "Old"})  # fmt: skip

    def rows(query: str) -> str:
        return admin.get(f"/admin/audit?{query}").get_data(as_text=True)

    assert "sales" in rows("area=queues") and "1001" not in rows("area=queues")
    assert "1001" in rows("user=bob") and ">sales<" not in rows("user=bob")
    today = utcnow().date().isoformat()
    assert "1001" not in rows(f"since={today}") and "sales" in rows(f"since={today}")
    assert "1001" in rows("area=agents&key=1001") and "sales</a>" not in rows("key=1001")
    assert rows("since=not-a-date").count("<tr>") == 3  # header and both entries


def test_the_audit_page_pages_back_through_older_entries(admin: FlaskClient) -> None:
    for n in range(PAGE_SIZE + 5):
        AuditEntry.create(username="admin1", area="queues", object_key=f"q{n:03d}", action="create",
                          at=utcnow() + timedelta(seconds=n))  # fmt: skip
    first = admin.get("/admin/audit?area=queues").get_data(as_text=True)
    assert f"q{PAGE_SIZE + 4:03d}" in first and "q004<" not in first  # the newest first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert "page=2" in first and "area=queues" in first  # the filter is kept on the link
    second = admin.get("/admin/audit?area=queues&page=2").get_data(as_text=True)
    assert all(f"q{n:03d}" in second for n in range(5)) and f"q{PAGE_SIZE:03d}" not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert admin.get("/admin/audit?page=-3").status_code == 200  # a bad page is the first


HOURS_FORM = {"name": "office", "timezone": "Asia/Shanghai", "mon": "09:00-12:00, 13:30-18:00",
              "tue": "09:00-18:00", "wed": "", "thu": "", "fri": "", "sat": "", "sun": "",
              "holidays": "2026-10-01..2026-10-08 National Day\n2026-12-31 09:00-12:00 Half day",
              "workdays": "2026-09-27 like mon"}  # fmt: skip


def test_business_hours_from_the_friendly_form(admin: FlaskClient) -> None:
    assert post_form(admin, "/admin/hours/new", HOURS_FORM).status_code == 302
    office = BusinessHours.get()
    assert office.weekly == {"mon": ["09:00-12:00", "13:30-18:00"], "tue": ["09:00-18:00"]}
    assert office.holidays == [
        {"date": "2026-10-01", "until": "2026-10-08", "name": "National Day"},
        {"date": "2026-12-31", "hours": ["09:00-12:00"], "name": "Half day"},
    ]
    assert office.workdays == [{"date": "2026-09-27", "like": "mon"}]
    page = admin.get(f"/admin/hours/{office.id}").get_data(as_text=True)
    assert "2026-10-01..2026-10-08 National Day" in page


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("mon", "25:00-26:00", "is not HH:MM-HH:MM"),
        ("timezone", "Mars/Olympus", "Not a time zone"),
        ("holidays", "2026-13-01", "is not YYYY-MM-DD"),
        ("workdays", "2026-09-27 like funday", "is not a weekday"),
        ("workdays", "2026-09-27 sometime", "write DATE like mon"),
    ],
)
def test_bad_business_hours_are_shown_on_their_field(
    admin: FlaskClient, field: str, typed: str, message: str
) -> None:
    response = post_form(admin, "/admin/hours/new", {**HOURS_FORM, field: typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and f'id="e-{field}"' in page and message in page, page
    assert not BusinessHours.select().exists()


def test_the_status_page_pings_the_engine_and_shows_disk_and_versions(
    admin: FlaskClient, engine: StandInEngine
) -> None:
    page = admin.get("/admin/status").get_data(as_text=True)
    assert "The engine answers: pid 4242" in page
    assert "GiB free of" in page and "python" in page and "kamailio" in page
    engine.server.stop()
    assert "engine not reachable" in admin.get("/admin/status").get_data(as_text=True)
