"""Alerts in the store: raised once per occurrence, cleared, delivered once."""

from __future__ import annotations

from peewee import Database
from store_support import settings, store

from appliance.health import alerts
from appliance.store.models import Alert

__all__ = ["settings", "store"]  # fixtures


def test_raising_an_active_alert_again_counts_it_and_does_not_make_a_second(
    store: Database,
) -> None:
    assert alerts.raise_alert(store, "disk.recordings", "disk_low", {"free_mb": 90}, "90 MB free")
    assert not alerts.raise_alert(store, "disk.recordings", "disk_low", {"free_mb": 80}, "80 MB")
    (alert,) = alerts.active()
    assert (alert.count, alert.params, alert.detail) == (2, {"free_mb": 80}, "80 MB")
    assert Alert.select().count() == 1


def test_a_cleared_alert_that_comes_back_is_new_and_delivered_again(store: Database) -> None:
    alerts.raise_alert(store, "service.engine", "service_down", {"service": "engine"})
    alerts.mark_delivered(store, [a.id for a in alerts.undelivered()])
    assert alerts.undelivered() == []
    assert alerts.clear_alert(store, "service.engine")
    assert not alerts.clear_alert(store, "service.engine")  # already clear
    assert alerts.active() == []
    assert alerts.raise_alert(store, "service.engine", "service_down", {"service": "engine"})
    (again,) = alerts.undelivered()
    assert again.count == 1 and again.cleared_at is None


def test_critical_alerts_come_first(store: Database) -> None:
    alerts.raise_alert(store, "a.warn", "x", severity=alerts.WARNING)
    alerts.raise_alert(store, "b.crit", "y", severity=alerts.CRITICAL)
    assert [a.key for a in alerts.active()] == ["b.crit", "a.warn"]
