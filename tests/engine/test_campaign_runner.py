"""The dialer's store side without an engine: attempts an earlier engine left open."""

from __future__ import annotations

import time

from peewee import Database
from store_support import settings, store

from appliance.dialer.campaign import Dial
from appliance.dialer.const import Mode
from appliance.engine.campaign_records import outcome_of
from appliance.engine.campaign_runner import close_interrupted
from appliance.store.campaigns import attempt_started, create_campaign, import_contacts
from appliance.store.models import CampaignContact, DialAttempt

__all__ = ["settings", "store"]  # fixtures


def test_an_attempt_cut_by_an_engine_stop_is_failed_and_retried_per_policy(
    store: Database,
) -> None:
    policy = {"rules": {"failed": [120, 3]}}
    row = create_campaign("回访", "progressive", queue="support", retry_policy=policy,
                          window={"mon": ["09:00-20:00"]})  # fmt: skip
    import_contacts(row, b"phone\n13800138000\n13800138001\n", "list.csv", "CN")
    first, second = CampaignContact.select().order_by(CampaignContact.id)
    now = time.time()
    open_one = attempt_started(Dial(row.id, first.id, first.number, "", Mode.PROGRESSIVE), now)
    ended = attempt_started(Dial(row.id, second.id, second.number, "", Mode.PROGRESSIVE), now)
    ended.outcome, ended.ended_at = "busy", now
    ended.save()
    assert close_interrupted(now + 5) == 1
    attempt = DialAttempt.get_by_id(open_one.id)
    assert (attempt.outcome, attempt.ended_at) == ("failed", now + 5)
    contact = CampaignContact.get_by_id(first.id)
    assert (contact.attempts, contact.last_outcome, contact.done) == (1, "failed", False)
    assert contact.next_attempt_at == now + 5 + 120
    assert CampaignContact.get_by_id(second.id).attempts == 0  # an ended attempt is left alone
    assert close_interrupted(now + 6) == 0


def test_sip_codes_before_answer_map_to_outcomes() -> None:
    assert [str(outcome_of(c)) for c in (486, 600, 408, 480, 487, 404, 503, 0)] == [
        "busy", "busy", "no_answer", "no_answer", "no_answer", "failed", "failed", "failed",
    ]  # fmt: skip
