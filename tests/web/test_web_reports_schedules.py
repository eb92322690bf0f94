"""Scheduled reports in the web: the admin's form, its errors, and "send now" to a real server."""

from __future__ import annotations

import pytest
from boxharness import free_port
from flask.testing import FlaskClient
from helpers_reports import as_role, store_day
from helpers_web import csrf_from
from smtp_sink import smtp_server
from werkzeug.test import TestResponse
from xlsx_support import xlsx_sheets

from appliance.config import Settings, SmtpSettings
from appliance.store.models import AuditEntry, ReportSchedule

FORM = {"name": "daily", "report_range": "yesterday", "queue": "support", "file_format": "xlsx",
        "recipients": "boss@example.com, team@example.com", "frequency": "daily", "at": "07:30",
        "weekday": "0", "day_of_month": "1", "enabled": "on"}  # fmt: skip


@pytest.fixture
def admin(client: FlaskClient) -> FlaskClient:
    store_day()
    return as_role(client, "admin")


def post(client: FlaskClient, path: str, form: dict[str, str]) -> TestResponse:
    """Post form as the schedule page would (with its CSRF token)."""
    token = csrf_from(client.get("/reports/schedules/new").get_data(as_text=True))
    return client.post(path, data={**form, "csrf_token": token})


def test_an_admin_creates_edits_and_deletes_a_schedule(admin: FlaskClient) -> None:
    response = post(admin, "/reports/schedules/new", FORM)
    assert response.status_code == 302
    saved = ReportSchedule.get()
    assert (saved.queue, saved.file_format, saved.at) == ("support", "xlsx", "07:30")
    assert saved.recipients == "boss@example.com\nteam@example.com"
    listing = admin.get("/reports/schedules").get_data(as_text=True)
    assert "daily" in listing and "boss@example.com, team@example.com" in listing
    post(admin, f"/reports/schedules/{saved.id}", {**FORM, "frequency": "weekly", "weekday": "4"})
    assert ReportSchedule.get().weekday == 4
    post(admin, f"/reports/schedules/{saved.id}/delete", {})
    assert not ReportSchedule.select().exists()
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.area == "report_schedules")]
    assert actions == ["create", "update", "delete"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("recipients", "boss@example.com, x@y", "x@y is not an e-mail address."),
        ("recipients", " , ", "Give at least one e-mail address."),
        ("file_format", "pdf", "Choose one of: csv, xlsx."),
        ("at", "7.30", "Enter a time as HH:MM, e.g. 07:30."),
        ("name", "", "This field is required."),
        ("report_range", "forever", "Choose one of: yesterday, last_week, last_month."),
    ],
)
def test_bad_input_is_explained_and_kept(
    admin: FlaskClient, field: str, value: str, message: str
) -> None:
    response = post(admin, "/reports/schedules/new", {**FORM, field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<p class="error field-error" id="e-{field}">{message}</p>' in html
    assert 'value="07:30"' in html or field == "at"
    assert not ReportSchedule.select().exists()


def test_a_second_schedule_of_the_same_name_is_refused(admin: FlaskClient) -> None:
    post(admin, "/reports/schedules/new", FORM)
    response = post(admin, "/reports/schedules/new", FORM)
    assert response.status_code == 400
    assert "Another schedule has this name." in response.get_data(as_text=True)


def test_a_form_without_its_token_is_refused(admin: FlaskClient) -> None:
    response = admin.post("/reports/schedules/new", data=FORM)
    assert response.status_code == 400
    assert not ReportSchedule.select().exists()


def test_send_now_e_mails_the_report_at_once(admin: FlaskClient, settings: Settings) -> None:
    post(admin, "/reports/schedules/new", FORM)
    schedule = ReportSchedule.get()
    port = free_port()
    settings.smtp = SmtpSettings(enabled=True, host="127.0.0.1", port=port,
                                 sender="box@example.com", timeout_seconds=2)  # fmt: skip
    with smtp_server(port) as sink:
        response = post(admin, f"/reports/schedules/{schedule.id}/send", {})
        [mail] = sink.wait(1)
    assert response.status_code == 302
    [attachment] = list(mail.iter_attachments())
    assert list(xlsx_sheets(attachment.get_content())) == ["Summary", "Calls"]
    page = admin.get(f"/reports/schedules/{schedule.id}").get_data(as_text=True)
    assert "Report sent to boss@example.com, team@example.com." in page
    assert "Last sent:" in page


def test_send_now_says_when_e_mail_is_not_set_up(admin: FlaskClient) -> None:
    post(admin, "/reports/schedules/new", FORM)
    response = post(admin, f"/reports/schedules/{ReportSchedule.get().id}/send", {})
    assert response.status_code == 409
    assert "E-mail is not set up on this box" in response.get_data(as_text=True)


def test_send_now_tells_the_server_s_refusal(admin: FlaskClient, settings: Settings) -> None:
    post(admin, "/reports/schedules/new", FORM)
    settings.smtp = SmtpSettings(enabled=True, host="127.0.0.1", port=free_port(),
                                 timeout_seconds=1)  # fmt: skip
    response = post(admin, f"/reports/schedules/{ReportSchedule.get().id}/send", {})
    assert response.status_code == 502
    assert "Sending failed:" in response.get_data(as_text=True)
    assert ReportSchedule.get().last_run_at is None
