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


def test_an_agent_a_callback_in_flight_waits_for_is_not_given_to_another_contact() -> None:
    # The engine's choice of agent on answer, on the real ACD (no SIP needed for it).
    from types import SimpleNamespace

    from appliance.callflow.acd import Acd, AgentStatus, QueueConfig
    from appliance.callflow.const import AgentState
    from appliance.engine.campaign_calls import CampaignCalls
    from appliance.engine.campaign_records import CampaignCall, Placed

    acd = Acd()
    agents = {
        ext: AgentStatus(ext, state=AgentState.READY, registered=True, idle_since=idle)
        for ext, idle in (("1001", 50.0), ("1002", 10.0))
    }  # 1002 has waited longest
    acd.configure([QueueConfig("support", members={"1001": 0, "1002": 0})], agents)
    calls = CampaignCalls(SimpleNamespace(acd=acd))  # type: ignore[arg-type]

    def call(call_id: str, agent: str) -> CampaignCall:
        dial = Dial(1, len(calls.calls) + 1, "+8613800138001", "", Mode.PROGRESSIVE, agent)
        calls.calls[call_id] = CampaignCall(dial, Placed(1, call_id, (), "support"), 0.0)
        return calls.calls[call_id]

    anyone = call("c1", "")
    assert calls._pick(anyone) == "1002"  # longest idle, nobody else waits for them
    kept_for = call("c2", "1002")  # a callback for 1002 is ringing its contact
    assert calls._pick(anyone) == "1001"
    assert calls._pick(kept_for) == "1002"
    kept_for.agent = "1002"  # connected: 1002 is no longer kept
    acd.agents["1001"].state = AgentState.NOT_READY
    assert calls._pick(anyone) == "1002"
