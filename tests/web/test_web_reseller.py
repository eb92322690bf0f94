"""The reseller's pages and the report endpoint: units, health, versions, and refusals."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers_i18n import assert_translated
from helpers_reseller import make_user, post_report, report
from helpers_web import PASSWORD, csrf_from, login

from appliance.store.models import AuditEntry, ResellerUnit, UnitReport, User, utcnow
from web.auth.services import create_api_token
from web.reseller import intake, services

pytestmark = pytest.mark.usefixtures("admin_exists")


@pytest.fixture
def reseller(app: Flask, client: FlaskClient) -> FlaskClient:
    """Return the client logged in as reseller "acme"."""
    make_user("acme", "reseller")
    assert login(client, "acme", PASSWORD).status_code == 302
    return client


def register(client: FlaskClient, serial: str, label: str = "", token: str = "") -> str:
    """Register a unit through the form; return the token the page shows."""
    return registered_page(client, serial, label, token)[1]


def registered_page(
    client: FlaskClient, serial: str, label: str = "", token: str = ""
) -> tuple[str, str]:
    """Register a unit through the form; return the page shown and the token on it."""
    csrf = csrf_from(client.get("/reseller/units/new").get_data(as_text=True))
    form = {"serial": serial, "label": label, "token": token, "csrf_token": csrf}
    page = client.post("/reseller/units/new", data=form)
    assert page.status_code == 200, page.get_data(as_text=True)
    found = re.search(r"report_token: ([A-Za-z0-9_-]+)", page.get_data(as_text=True))
    assert found is not None
    return page.get_data(as_text=True), found.group(1)


def test_a_registered_unit_reports_and_shows_on_the_list(reseller: FlaskClient) -> None:
    token = register(reseller, "CB-0001", "Shop one")
    assert len(token) >= 32
    answer = post_report(reseller, token, report("CB-0001", calls_today=42))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"serial": "CB-0001", "health": "ok"}
    page = reseller.get("/reseller/").get_data(as_text=True)
    row = re.search(r'<tr data-serial="CB-0001".*?</tr>', page, re.S)
    assert row is not None
    assert "Shop one" in row.group(0) and "1.2.0" in row.group(0) and "<td>42</td>" in row.group(0)
    assert "silent" not in row.group(0)  # just reported
    entry = AuditEntry.get(AuditEntry.object_key == "unit:CB-0001")
    assert (entry.area, entry.action, entry.username) == ("reseller", "create", "acme")


def test_health_comes_from_the_reports_alerts(reseller: FlaskClient) -> None:
    token = register(reseller, "CB-0002")
    warning = {"key": "disk.recordings", "kind": "disk_low", "severity": "warning"}
    critical = {"key": "service.engine", "kind": "service_down", "severity": "critical",
                "detail": "engine restarted 5 times", "since": "2026-11-28T02:00:00Z"}  # fmt: skip
    services_ = {"engine": False}
    body = report("CB-0002", health={"alerts": [warning, critical], "services": services_})
    assert post_report(reseller, token, body).get_json()["health"] == "critical"
    unit = ResellerUnit.get(ResellerUnit.serial == "CB-0002")
    detail = reseller.get(f"/reseller/units/{unit.id}").get_data(as_text=True)
    assert "service.engine" in detail and "engine restarted 5 times" in detail
    assert detail.index("service.engine") < detail.index("disk.recordings")  # critical first
    assert "Services down" in detail and "engine" in detail
    body = report("CB-0002", health={"alerts": [warning], "services": {}})
    assert post_report(reseller, token, body).get_json()["health"] == "warning"


@pytest.mark.parametrize(
    ("token", "status"), [("", 401), ("not-the-token-of-any-unit-at-all", 401)]
)
def test_a_report_without_a_known_token_is_refused(
    reseller: FlaskClient, token: str, status: int
) -> None:
    register(reseller, "CB-0003")
    answer = post_report(reseller, token, report("CB-0003"))
    assert answer.status_code == status and answer.get_json()["error"]["id"] == "unauthorized"
    assert UnitReport.select().count() == 0


def test_a_token_cannot_file_another_units_report(reseller: FlaskClient) -> None:
    token = register(reseller, "CB-0004")
    register(reseller, "CB-0005")
    answer = post_report(reseller, token, report("CB-0005"))
    assert answer.status_code == 401 and "CB-0005" in answer.get_json()["error"]["message"]
    assert ResellerUnit.get(ResellerUnit.serial == "CB-0005").last_seen_at is None


@pytest.mark.parametrize(
    ("body", "error_id", "words"),
    [
        (b"{not json", "not-json", "not JSON"),
        (b"[1, 2]", "bad-report", "report: [1, 2] is not of type 'object'"),
        (None, "bad-report", "report.calls_today: -1 is less than the minimum of 0"),
    ],
)
def test_a_malformed_report_is_refused_with_what_is_wrong(
    reseller: FlaskClient, body: bytes | None, error_id: str, words: str
) -> None:
    token = register(reseller, "CB-0006")
    answer = post_report(reseller, token, body or report("CB-0006", calls_today=-1))
    assert answer.status_code == 400
    assert (
        answer.get_json()["error"]["id"] == error_id
        and words in answer.get_json()["error"]["message"]
    )
    assert ResellerUnit.get(ResellerUnit.serial == "CB-0006").report is None  # nothing kept


def test_an_oversize_report_is_refused_unread(reseller: FlaskClient) -> None:
    token = register(reseller, "CB-0007")
    padded = report("CB-0007", hostname="x" * (intake.MAX_REPORT_BYTES + 10))
    answer = post_report(reseller, token, padded)
    assert answer.status_code == 413 and answer.get_json()["error"]["id"] == "too-large"
    assert UnitReport.select().count() == 0


def test_the_history_keeps_the_newest_reports(
    reseller: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "HISTORY", 3)
    token = register(reseller, "CB-0008")
    for calls in range(5):
        assert post_report(reseller, token, report("CB-0008", calls_today=calls)).status_code == 200
    kept = [r.report["calls_today"] for r in UnitReport.select().order_by(UnitReport.id)]
    assert kept == [2, 3, 4]
    unit = ResellerUnit.get(ResellerUnit.serial == "CB-0008")
    assert unit.calls_today == 4


def test_a_silent_unit_is_flagged_after_three_intervals(reseller: FlaskClient) -> None:
    token = register(reseller, "CB-0009")
    register(reseller, "CB-0010")  # never reported: silent too
    post_report(reseller, token, report("CB-0009", interval_minutes=5))
    unit = ResellerUnit.get(ResellerUnit.serial == "CB-0009")
    assert not services.is_stale(unit)
    assert not services.is_stale(unit, utcnow() + timedelta(minutes=14))
    assert services.is_stale(unit, utcnow() + timedelta(minutes=16))
    ResellerUnit.update(last_seen_at=utcnow() - timedelta(minutes=16)).execute()
    page = reseller.get("/reseller/?health=stale").get_data(as_text=True)
    assert 'data-serial="CB-0009"' in page and 'data-serial="CB-0010"' in page
    assert page.count("silent</strong>") == 2


def test_the_list_sorts_filters_and_sums_versions(reseller: FlaskClient) -> None:
    for serial, version, calls in (
        ("CB-A", "0.9.1", 5),
        ("CB-B", "0.10.0", 1),
        ("CB-C", "0.10.0", 9),
    ):
        post_report(reseller, register(reseller, serial, f"site {serial}"),
                    report(serial, version, calls_today=calls))  # fmt: skip

    def order(query: str) -> list[str]:
        return re.findall(
            r'<tr data-serial="([^"]+)"', reseller.get(f"/reseller/{query}").get_data(as_text=True)
        )

    assert order("") == ["CB-A", "CB-B", "CB-C"]
    assert order("?sort=calls&order=desc") == ["CB-C", "CB-A", "CB-B"]
    assert order("?sort=version") == ["CB-A", "CB-B", "CB-C"]  # 0.9.1 before 0.10.0
    assert order("?version=0.10.0") == ["CB-B", "CB-C"]
    assert order("?q=site+cb-c") == ["CB-C"]
    assert order("?health=critical") == []
    assert order("?sort=nonsense&health=nonsense") == ["CB-A", "CB-B", "CB-C"]  # ignored
    page = reseller.get("/reseller/").get_data(as_text=True)
    summary = page[page.index('id="versions"') :]
    assert re.search(r'data-version="0.10.0"><td>0.10.0</td><td>2</td>', summary)
    assert re.search(r'data-version="0.9.1"><td>0.9.1</td><td>1</td>', summary)


def test_a_reseller_sees_only_its_own_units(app: Flask, reseller: FlaskClient) -> None:
    other = make_user("globex", "reseller")
    with app.test_request_context():
        unit, _ = services.register(other, "GX-1", "theirs")
    assert 'data-serial="GX-1"' not in reseller.get("/reseller/").get_data(as_text=True)
    assert reseller.get(f"/reseller/units/{unit.id}").status_code == 404
    csrf = csrf_from(reseller.get("/reseller/units/new").get_data(as_text=True))
    assert (
        reseller.post(f"/reseller/units/{unit.id}/delete", data={"csrf_token": csrf}).status_code
        == 404
    )
    assert ResellerUnit.get_or_none(ResellerUnit.id == unit.id) is not None


def test_register_refuses_bad_and_duplicate_input_and_keeps_nothing(reseller: FlaskClient) -> None:
    csrf = csrf_from(reseller.get("/reseller/units/new").get_data(as_text=True))
    bad = reseller.post(
        "/reseller/units/new", data={"serial": "CB 1/..", "token": "short", "csrf_token": csrf}
    )
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "A serial of letters" in text and "At least 24 letters" in text
    assert ResellerUnit.select().count() == 0
    own = "t" * 30
    register(reseller, "CB-1", token=own)
    again = reseller.post("/reseller/units/new", data={"serial": "CB-1", "csrf_token": csrf})
    assert again.status_code == 400 and "You have a unit with this serial." in again.get_data(
        as_text=True
    )
    taken = reseller.post(
        "/reseller/units/new", data={"serial": "CB-2", "token": own, "csrf_token": csrf}
    )
    assert taken.status_code == 400 and "Another unit has this token." in taken.get_data(
        as_text=True
    )
    no_csrf = reseller.post("/reseller/units/new", data={"serial": "CB-3"})
    assert no_csrf.status_code == 403
    assert [u.serial for u in ResellerUnit.select()] == ["CB-1"]


def test_removing_a_unit_drops_its_reports_and_its_token(reseller: FlaskClient) -> None:
    token = register(reseller, "CB-RM")
    post_report(reseller, token, report("CB-RM"))
    unit = ResellerUnit.get(ResellerUnit.serial == "CB-RM")
    csrf = csrf_from(reseller.get(f"/reseller/units/{unit.id}").get_data(as_text=True))
    done = reseller.post(f"/reseller/units/{unit.id}/delete", data={"csrf_token": csrf})
    assert done.status_code == 302
    assert ResellerUnit.select().count() == 0 and UnitReport.select().count() == 0
    assert post_report(reseller, token, report("CB-RM")).status_code == 401
    assert AuditEntry.get(AuditEntry.object_key == "unit:CB-RM", AuditEntry.action == "delete")


BOX_PAGES = ["/admin/", "/admin/users/", "/admin/status", "/agent", "/wallboard", "/reports",
             "/qa/", "/voicemail/", "/api/calls", "/admin/backups"]  # fmt: skip


@pytest.mark.parametrize("path", BOX_PAGES)
def test_a_reseller_sees_nothing_else_of_the_box(reseller: FlaskClient, path: str) -> None:
    assert reseller.get(path).status_code == 403


def test_a_reseller_lands_on_its_units(reseller: FlaskClient) -> None:
    for path in ("/", "/live"):
        answer = reseller.get(path)
        assert answer.status_code == 302 and answer.headers["Location"].endswith("/reseller/")
    page = reseller.get("/reseller/").get_data(as_text=True)
    assert 'href="/reseller/"' in page and 'href="/admin/"' not in page and "/agent" not in page


def test_a_resellers_api_token_opens_nothing_of_the_box(app: Flask, client: FlaskClient) -> None:
    token = create_api_token(make_user("acme", "reseller"), "script")
    answer = client.get("/api/calls", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403


@pytest.mark.parametrize("role", ["admin", "supervisor", "agent"])
def test_other_roles_may_not_open_the_reseller_pages(
    app: Flask, client: FlaskClient, role: str
) -> None:
    make_user(f"u-{role}", role)
    assert login(client, f"u-{role}", PASSWORD).status_code == 302
    assert client.get("/reseller/").status_code == 403
    assert client.get("/reseller/units/new").status_code == 403


def test_a_visitor_is_sent_to_log_in(client: FlaskClient) -> None:
    answer = client.get("/reseller/")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_an_admin_creates_a_reseller_user(
    app: Flask, client: FlaskClient, admin_exists: User
) -> None:
    assert login(client, "owner", PASSWORD).status_code == 302
    form_page = client.get("/admin/users/new").get_data(as_text=True)
    assert 'value="reseller"' in form_page
    form = {"username": "acme", "role": "reseller", "language": "en",
            "password": "a-long-password-1", "csrf_token": csrf_from(form_page)}  # fmt: skip
    assert client.post("/admin/users/new", data=form).status_code == 302
    assert User.get(User.username == "acme").role == "reseller"
    client.post(
        "/logout", data={"csrf_token": csrf_from(client.get("/admin/").get_data(as_text=True))}
    )
    assert login(client, "acme", "a-long-password-1").status_code == 302
    assert client.get("/reseller/").status_code == 200


CHINESE_DATA = ["CB-0001", "Shop one", "1.2.0", "acme", "host-cb-0001", "/etc/callbox/unit.yml",
                "abababababab", "engine", "kamailio", "GiB", "UTC", "disk.recordings",
                "disk_low", "report_url", "report_token", "provisioning"]  # fmt: skip


def test_the_reseller_pages_in_chinese(app: Flask, client: FlaskClient) -> None:
    make_user("acme", "reseller", language="zh_CN")
    assert login(client, "acme", PASSWORD).status_code == 302
    shown, token = registered_page(client, "CB-0001", "Shop one")
    settings_shown = ("provisioning: report_url: http://localhost/reseller/api/report "
                      f"report_token: {token}")  # fmt: skip
    assert_translated(shown, allowed=[*CHINESE_DATA, settings_shown, "root"])
    alert = {"key": "disk.recordings", "kind": "disk_low", "severity": "warning"}
    post_report(client, token, report("CB-0001", health={"alerts": [alert], "services": {}}))
    unit = ResellerUnit.get(ResellerUnit.serial == "CB-0001")
    for path in ("/reseller/", f"/reseller/units/{unit.id}", "/reseller/units/new"):
        page = client.get(path)
        assert page.status_code == 200
        assert_translated(page.get_data(as_text=True), allowed=CHINESE_DATA)
