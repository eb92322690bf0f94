"""The alert banner on every admin and supervisor page, and the alerts on the status page."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from helpers_admin import log_in_as
from helpers_i18n import assert_translated
from peewee import Database

from appliance.health import alerts
from appliance.store.models import User
from web.context import current_store

pytestmark = pytest.mark.usefixtures("admin_exists")


@pytest.fixture
def store(client: FlaskClient) -> Database:
    """Return the app's store (bound by the app factory)."""
    with client.application.app_context():
        return current_store()


def raise_some(store: Database) -> None:
    """Raise a warning, a critical alert, and one of a kind this box does not know."""
    alerts.raise_alert(store, "disk.recordings", "disk_low",
                       {"path": "/var/lib/callbox/recordings", "free_mb": 512, "free_percent": 3},
                       "512 MB free")  # fmt: skip
    alerts.raise_alert(store, "service.engine", "restart_budget_used",
                       {"service": "engine", "budget": 3}, "no ping", alerts.CRITICAL)  # fmt: skip
    alerts.raise_alert(store, "future.thing", "made_up_kind", {})


def test_admins_see_every_active_alert_critical_first_on_every_page(
    client: FlaskClient, store: Database
) -> None:
    raise_some(store)
    admin = log_in_as(client, "admin")
    for path in ("/live", "/admin/", "/reports/"):
        page = admin.get(path, follow_redirects=True).get_data(as_text=True)
        assert 'class="alert-banner"' in page, path
    page = admin.get("/live").get_data(as_text=True)
    critical = page.index('class="alert alert-critical" data-alert="service.engine"')
    warning = page.index('class="alert alert-warning" data-alert="disk.recordings"')
    assert critical < warning
    assert "The call engine keeps failing after 3 restarts" in page
    assert "Low disk space: 512 MB (3%) free at /var/lib/callbox/recordings." in page
    assert "Alert: future.thing" in page  # an unknown kind is shown by its key, not hidden
    assert 'href="/admin/status"' in page


def test_supervisors_see_the_banner_without_the_admin_link_agents_do_not(
    client: FlaskClient, store: Database
) -> None:
    raise_some(store)
    supervisor = log_in_as(client, "supervisor")
    page = supervisor.get("/live").get_data(as_text=True)
    assert 'class="alert-banner"' in page and 'href="/admin/status"' not in page
    agent = log_in_as(client.application.test_client(), "agent")
    assert 'class="alert-banner"' not in agent.get("/live").get_data(as_text=True)


def test_no_banner_once_alerts_clear_and_the_status_page_lists_them_as_cleared(
    client: FlaskClient, store: Database
) -> None:
    raise_some(store)
    for key in ("disk.recordings", "future.thing"):
        alerts.clear_alert(store, key)
    admin = log_in_as(client, "admin")
    page = admin.get("/admin/status").get_data(as_text=True)
    assert page.count('data-alert="service.engine"') == 2  # the banner and the table
    assert 'class="alert-warning alert-cleared" data-alert="disk.recordings"' in page
    assert "still active" in page and "512 MB free" in page
    alerts.clear_alert(store, "service.engine")
    assert 'class="alert-banner"' not in admin.get("/live").get_data(as_text=True)


def test_the_status_page_says_when_there_were_no_alerts(client: FlaskClient) -> None:
    admin = log_in_as(client, "admin")
    assert "No alerts in the last day." in admin.get("/admin/status").get_data(as_text=True)


def test_the_banner_and_status_alerts_in_chinese(client: FlaskClient, store: Database) -> None:
    raise_some(store)
    alerts.raise_alert(store, "trunk.carrier", "trunk_unregistered", {"trunk": "carrier"})
    admin = log_in_as(client, "admin")
    User.update(language="zh_CN").where(User.username == "admin1").execute()
    page = admin.get("/live").get_data(as_text=True)
    assert "呼叫引擎 重启 3 次后仍然失败" in page
    assert "磁盘空间不足：/var/lib/callbox/recordings 仅剩 512 MB（3%）。" in page
    assert "中继 carrier 已失去在运营商的注册。" in page and "警报：future.thing" in page
    allowed = ["admin1", "carrier", "future.thing", "var", "lib", "callbox", "recordings", "MB"]
    assert_translated(page, allowed=allowed)


def test_toll_fraud_alerts_in_english_and_chinese(client: FlaskClient, store: Database) -> None:
    alerts.raise_alert(store, "outbound.international", "outbound_international",
                       {"calls": 14, "window_minutes": 60, "numbers": "00882161234567"},
                       "14 international", alerts.CRITICAL)  # fmt: skip
    alerts.raise_alert(store, "outbound.volume", "outbound_volume",
                       {"calls": 95, "window_minutes": 60, "usual": 12.5})  # fmt: skip
    admin = log_in_as(client, "admin")
    page = admin.get("/live").get_data(as_text=True)
    assert "14 international or premium-rate calls in the last 60 minutes (00882161234567)" in page
    assert "95 calls out in the last 60 minutes, usually 12.5: check for toll fraud." in page
    User.update(language="zh_CN").where(User.username == "admin1").execute()
    page = admin.get("/live").get_data(as_text=True)
    assert "最近 60 分钟有 14 次国际或高费率呼叫（00882161234567）：请检查是否被盗打。" in page
    assert "最近 60 分钟外呼 95 次，平时约 12.5 次：请检查是否被盗打。" in page
    assert_translated(page, allowed=["admin1"])


def test_an_unreachable_trunk_in_chinese(client: FlaskClient, store: Database) -> None:
    alerts.raise_alert(store, "trunk.carrier", "trunk_unreachable",
                       {"trunk": "carrier", "host": "192.0.2.7", "port": 5060})  # fmt: skip
    admin = log_in_as(client, "admin")
    User.update(language="zh_CN").where(User.username == "admin1").execute()
    page = admin.get("/live").get_data(as_text=True)
    assert "中继 carrier 无响应（192.0.2.7:5060）：外呼改走该路由的其他中继。" in page


def test_a_rolled_back_upgrade_in_english_and_chinese(client: FlaskClient, store: Database) -> None:
    versions = {"from": "0.1.0", "to": "9.9.9", "complete": True}
    alerts.raise_alert(store, "upgrade.rollback", "upgrade_rolled_back", versions)
    admin = log_in_as(client, "admin")
    page = admin.get("/live").get_data(as_text=True)
    assert "The upgrade from 0.1.0 to 9.9.9 failed its checks and was rolled back." in page
    User.update(language="zh_CN").where(User.username == "admin1").execute()
    page = admin.get("/live").get_data(as_text=True)
    assert "从 0.1.0 升级到 9.9.9 未通过检查，已回滚。" in page


def test_recordings_stopped_by_a_full_disk_in_chinese(client: FlaskClient, store: Database) -> None:
    alerts.raise_alert(store, "recording.disk_full", "recording_disk_full",
                       {"free_mb": 12.5, "min_free_mb": 200, "folder": "/srv/rec"},
                       "", alerts.CRITICAL)  # fmt: skip
    admin = log_in_as(client, "admin")
    User.update(language="zh_CN").where(User.username == "admin1").execute()
    page = admin.get("/live").get_data(as_text=True)
    assert "通话未被录音：/srv/rec 仅剩 12.5 MB（至少需要 200 MB）。" in page


def test_backup_alerts_in_chinese(client: FlaskClient, store: Database) -> None:
    where = {"schedule": "nightly", "target": "usb", "archive": "callbox-20261128.tar"}
    alerts.raise_alert(store, "backup.verify", "backup_verify_failed", where, "", alerts.CRITICAL)
    alerts.raise_alert(store, "backup.failed", "backup_failed", where)
    admin = log_in_as(client, "admin")
    User.update(language="zh_CN").where(User.username == "admin1").execute()
    page = admin.get("/live").get_data(as_text=True)
    assert "usb 上最新的备份 callbox-20261128.tar 未通过校验：可能无法恢复。" in page
    assert "备份 nightly（目标 usb）失败" in page


def test_line_board_alerts_in_english_and_chinese(client: FlaskClient, store: Database) -> None:
    alerts.raise_alert(store, "board.mobile/1", "board_port_down",
                       {"port": "mobile/1", "problems": ["sim_missing", "no_signal"]})  # fmt: skip
    alerts.raise_alert(store, "board.analog", "board_not_started",
                       {"board": "analog", "state": "unavailable"})  # fmt: skip
    admin = log_in_as(client, "admin")
    page = admin.get("/live").get_data(as_text=True)
    assert "Line mobile/1 cannot carry calls: no SIM card / no signal." in page
    assert "Line board analog is not working: its hardware or driver is not found." in page
    User.update(language="zh_CN").where(User.username == "admin1").execute()
    page = admin.get("/live").get_data(as_text=True)
    assert "线路 mobile/1 无法通话：未插入手机卡 / 无信号。" in page
    assert "线路板卡 analog 无法工作：找不到其硬件或驱动。" in page
    assert_translated(page, allowed=["admin1", "mobile", "analog"])


def test_gateway_alerts_in_english_and_chinese(client: FlaskClient, store: Database) -> None:
    alerts.raise_alert(store, "sipgw.gw1/1", "sipgw_line_unregistered",
                       {"port": "gw1/1", "account": "gw1-fxo1", "board": "gw1"})  # fmt: skip
    alerts.raise_alert(store, "sipgw.gw2", "sipgw_invalid", {"board": "gw2"})
    orphan = {"port": "gw1/2", "extension": "1077"}
    alerts.raise_alert(store, "sipgw.gw1/2", "sipgw_no_agent", orphan)
    admin = log_in_as(client, "admin")
    page = admin.get("/live").get_data(as_text=True)
    assert "Gateway line gw1/1 is not registered: no calls can come in or go out on it." in page
    assert "Gateway gw2 has wrong settings and is not used." in page
    assert "Gateway port gw1/2 is for extension 1077, which no agent has" in page
    User.update(language="zh_CN").where(User.username == "admin1").execute()
    page = admin.get("/live").get_data(as_text=True)
    assert "网关线路 gw1/1 未注册：无法通过它呼入或呼出。" in page
    assert "网关 gw2 的设置有误，未被使用。" in page
    assert "网关端口 gw1/2 对应分机 1077，但没有坐席使用该分机：其话机无法注册。" in page
    assert_translated(page, allowed=["admin1", "gw1", "gw2"])
