"""Skills, sticky and owner routing: the strategies alone, then inside the ACD."""

from __future__ import annotations

import pytest

from appliance.callflow.acd import Acd, AgentStatus, QueueConfig, required_skills
from appliance.callflow.const import AgentState
from appliance.callflow.customers import CallerBook, Customer, Served
from appliance.callflow.skills import check_requirements, qualifies, relaxation
from appliance.callflow.strategies import Caller, Candidate, get

DAY = 86400.0


def names(chosen: list[Candidate]) -> list[str]:
    return [c.extension for c in chosen]


# --- the strategies alone -------------------------------------------------------------


def test_skills_prefers_the_best_levels_in_the_required_skills() -> None:
    candidates = [
        Candidate("a", idle_since=1, order=0, skills={"billing": 3}),
        Candidate("b", idle_since=9, order=1, skills={"billing": 5, "zh": 1}),
        Candidate("c", idle_since=5, order=2, skills={"sales": 9}),
    ]
    caller = Caller("c1", skills={"billing": 3})
    assert names(get("skills").choose(candidates, caller, 10)) == ["b"]


def test_skills_ties_go_to_the_longest_idle_then_member_order() -> None:
    candidates = [
        Candidate("a", idle_since=5, order=0, skills={"billing": 4}),
        Candidate("b", idle_since=2, order=1, skills={"billing": 4}),
        Candidate("c", idle_since=2, order=2, skills={"billing": 4}),
    ]
    assert names(get("skills").choose(candidates, Caller("c1", skills={"billing": 1}), 10)) == ["b"]


def test_skills_keeps_lower_penalty_first() -> None:
    candidates = [
        Candidate("expert", penalty=1, skills={"billing": 9}),
        Candidate("novice", penalty=0, skills={"billing": 1}),
    ]
    chosen = get("skills").choose(candidates, Caller("c1", skills={"billing": 1}), 10)
    assert names(chosen) == ["novice"]


@pytest.mark.parametrize(("strategy", "field"), [("sticky", "last_agent"), ("owner", "owner")])
def test_preferred_agent_is_rung_whatever_their_penalty_and_idle_time(
    strategy: str, field: str
) -> None:
    candidates = [Candidate("a", idle_since=1, order=0), Candidate("b", 50, penalty=2, order=1)]
    chosen = get(strategy).choose(candidates, Caller("c1", **{field: "b"}), 100)  # type: ignore[arg-type]
    assert names(chosen) == ["b"]


@pytest.mark.parametrize(("strategy", "field"), [("sticky", "last_agent"), ("owner", "owner")])
def test_without_the_preferred_agent_the_longest_idle_takes_it(strategy: str, field: str) -> None:
    candidates = [
        Candidate("a", idle_since=30, order=0),
        Candidate("b", idle_since=10, order=1),
        Candidate("c", idle_since=10, order=2),
    ]
    for caller in (Caller("c1"), Caller("c1", **{field: "zz"})):  # type: ignore[arg-type]
        assert names(get(strategy).choose(candidates, caller, 100)) == ["b"]  # tie: member order


# --- skill requirements and widening ----------------------------------------------------


def test_requirements_widen_by_steps() -> None:
    steps = check_requirements("q", {"billing": 3}, [[60, 3], [30, 1]])
    assert steps == [(30.0, 1), (60.0, 3)]
    assert [relaxation(steps, w) for w in (0, 29.9, 30, 59, 60, 600)] == [0, 0, 1, 1, 3, 3]
    assert not qualifies({"billing": 2}, {"billing": 3})
    assert qualifies({"billing": 2}, {"billing": 3}, relax=1)
    assert qualifies({}, {"billing": 3}, relax=3)  # relaxed to nothing: anyone


@pytest.mark.parametrize(
    ("skills", "widen", "message"),
    [
        ({"billing": "high"}, [], "skills must map skill names to levels"),
        ({"billing": 3}, [[30]], "skill_widen must be"),
        ({"billing": 3}, {"30": 1}, "skill_widen must be"),
        ({"billing": 3}, [[-1, 1]], "skill_widen must be"),
    ],
)
def test_bad_requirements_are_refused_by_configure(
    skills: object, widen: object, message: str
) -> None:
    acd = Acd()
    acd.configure([QueueConfig("q")], {})
    bad = QueueConfig("q", skills=skills, skill_widen=widen)  # type: ignore[arg-type]
    with pytest.raises(KeyError, match=message):
        acd.configure([bad], {})
    assert acd.queues["q"].skills == {}


def skills_acd() -> Acd:
    """Return an ACD with a billing queue (level 3, widening) and three ready agents."""
    acd = Acd()
    queue = QueueConfig(
        "billing",
        "skills",
        {"junior": 0, "middle": 0, "senior": 0},
        skills={"billing": 3},
        skill_widen=[[30, 1], [60, 3]],
    )
    agents = {
        "junior": AgentStatus("junior", state=AgentState.READY, skills={}),
        "middle": AgentStatus("middle", state=AgentState.READY, skills={"billing": 2}),
        "senior": AgentStatus("senior", state=AgentState.READY, skills={"billing": 5}),
    }
    acd.configure([queue], agents)
    for i, ext in enumerate(agents):
        acd.set_registered(ext, True, now=float(i))
    return acd


def test_only_qualified_agents_are_rung_and_the_best_first() -> None:
    acd = skills_acd()
    acd.join("c1", "billing", now=100)
    assert acd.assignments(now=100) == [("c1", "senior")]


def test_the_requirement_widens_as_the_caller_waits() -> None:
    acd = skills_acd()
    acd.set_state("senior", AgentState.NOT_READY, now=50)  # paused: never rung
    acd.join("c1", "billing", now=100)
    assert acd.assignments(now=100) == []
    assert acd.assignments(now=129.9) == []
    assert acd.assignments(now=130) == [("c1", "middle")]  # level 2 now enough
    acd.ring_failed("middle", now=131)
    acd.set_state("middle", AgentState.NOT_READY, now=131, reason="left")
    assert acd.assignments(now=159.9) == []  # junior still short of level 2
    assert acd.assignments(now=160) == [("c1", "junior")]  # after 60 s: anyone
    assert acd.wake_delays("billing") == [30.0, 60.0]


def test_agents_in_wrap_up_are_not_rung_even_if_best_skilled() -> None:
    acd = skills_acd()
    acd.join("c1", "billing", now=100)
    acd.assignments(now=100)
    acd.answered("senior", "c1", now=101)
    acd.queues["billing"].wrap_up_seconds = 30
    acd.call_finished("senior", "billing", now=110)
    acd.agents["middle"].skills = {"billing": 3}
    acd.join("c2", "billing", now=111)
    assert acd.agents["senior"].state == AgentState.WRAP_UP
    assert acd.assignments(now=112) == [("c2", "middle")]


def test_a_reload_changes_agent_skills_live() -> None:
    acd = skills_acd()
    acd.set_state("senior", AgentState.NOT_READY, now=50)
    acd.join("c1", "billing", now=100)
    assert acd.assignments(now=100) == []
    fresh = {e: AgentStatus(e, state=a.state) for e, a in acd.agents.items()}
    fresh["junior"].skills = {"billing": 4}
    acd.configure(list(acd.queues.values()), fresh)
    assert acd.assignments(now=101) == [("c1", "junior")]


# --- sticky and owner inside the ACD ------------------------------------------------------


def preferred_acd(strategy: str, wait: int = 0, book: CallerBook | None = None) -> Acd:
    """Return an ACD with one queue of three ready agents (a idle longest)."""
    acd = Acd()
    queue = QueueConfig(
        "q", strategy, {"a": 0, "b": 0, "c": 0}, sticky_days=7, preferred_wait_seconds=wait
    )
    agents = {e: AgentStatus(e, state=AgentState.READY) for e in ("a", "b", "c")}
    acd.configure([queue], agents, book)
    for i, ext in enumerate(agents):
        acd.set_registered(ext, True, now=float(i))
    return acd


def test_sticky_rings_the_agent_who_last_answered_within_the_days() -> None:
    book = CallerBook(served={"+8613800138000": Served("b", at=1000.0)})
    acd = preferred_acd("sticky", book=book)
    acd.join("c1", "q", now=1000 + 6 * DAY, number="13800138000")
    assert acd.assignments(now=1000 + 6 * DAY) == [("c1", "b")]
    acd.join("c2", "q", now=1000 + 8 * DAY, number="+86 138 0013 8000")  # too long ago
    assert acd.assignments(now=1000 + 8 * DAY) == [("c2", "a")]


def test_sticky_remembers_answers_made_since_the_store_was_read() -> None:
    acd = preferred_acd("sticky")
    acd.set_state("a", AgentState.NOT_READY, now=5)
    acd.join("c1", "q", now=10, number="13800138000")
    assert acd.assignments(now=10) == [("c1", "b")]
    acd.answered("b", "c1", now=11)
    acd.call_finished("b", "q", now=20)
    acd.set_state("a", AgentState.READY, now=21)
    acd.join("c2", "q", now=30, number="13800138000")
    assert acd.assignments(now=30) == [("c2", "b")]  # a and c idle longer
    # A reload's book (read from CDRs, without this call yet) keeps the live memory.
    acd.configure(list(acd.queues.values()), dict(acd.agents), CallerBook())
    assert acd.callers.last_agent("13800138000", now=40, within_days=1) == "b"


def owner_book() -> CallerBook:
    return CallerBook([Customer("13800138000", "ACME", owner="c", vip=2)])


def test_owner_gets_the_call_though_another_agent_was_idle_longer() -> None:
    acd = preferred_acd("owner", book=owner_book())
    acd.join("c1", "q", now=100, number="13800138000")
    assert acd.assignments(now=100) == [("c1", "c")]


def test_a_busy_owner_is_waited_for_then_the_longest_idle_takes_it() -> None:
    acd = preferred_acd("owner", wait=20, book=owner_book())
    acd.join("other", "q", now=50)
    acd.set_state("a", AgentState.NOT_READY, now=50)
    acd.set_state("b", AgentState.NOT_READY, now=50)
    assert acd.assignments(now=50) == [("other", "c")]
    acd.answered("c", "other", now=51)  # the owner is on a call
    acd.set_state("a", AgentState.READY, now=52)
    acd.join("c1", "q", now=100, number="13800138000")
    assert acd.assignments(now=100) == []  # kept for the owner
    assert acd.assignments(now=119.9) == []
    assert acd.assignments(now=120) == [("c1", "a")]
    assert acd.wake_delays("q") == [20.0]


def test_a_paused_owner_is_not_waited_for() -> None:
    acd = preferred_acd("owner", wait=20, book=owner_book())
    acd.set_state("c", AgentState.NOT_READY, now=50, reason="lunch")
    acd.join("c1", "q", now=100, number="13800138000")
    assert acd.assignments(now=100) == [("c1", "a")]


def test_vip_tier_raises_priority_and_the_oldest_caller_anywhere_goes_first() -> None:
    """Agent x serves two queues with different strategies; VIPs first, then arrival."""
    acd = Acd()
    book = CallerBook([Customer("13900000001", vip=1)])
    queues = [QueueConfig("one", "owner", {"x": 0}), QueueConfig("two", "skills", {"x": 0})]
    acd.configure(queues, {"x": AgentStatus("x", state=AgentState.NOT_READY)}, book)
    acd.set_registered("x", True, now=0)
    acd.join("old-two", "two", now=10)
    acd.join("new-one", "one", now=20)
    acd.join("vip-one", "one", now=30, number="13900000001")
    acd.join("newest-two", "two", now=40)
    order = []
    for now in (50, 60, 70, 80):
        acd.set_state("x", AgentState.READY, now)
        [(call_id, _)] = acd.assignments(now)
        acd.answered("x", call_id, now)
        acd.call_finished("x", None, now)
        acd.set_state("x", AgentState.NOT_READY, now)
        order.append(call_id)
    assert order == ["vip-one", "old-two", "new-one", "newest-two"]


def test_a_caller_can_require_skills_of_their_own() -> None:
    """An IVR choice (Cantonese) adds to the queue's billing requirement, widened alike."""
    acd = skills_acd()
    acd.agents["middle"].skills = {"billing": 3, "cantonese": 2}
    acd.join("c1", "billing", now=100, skills={"cantonese": 2})
    assert acd.assignments(now=100) == [("c1", "middle")]  # the senior speaks no Cantonese


def test_a_callers_own_skills_widen_with_the_queues_steps() -> None:
    acd = skills_acd()
    acd.join("c1", "billing", now=100, skills={"cantonese": 1})
    assert acd.assignments(now=100) == []  # nobody speaks it
    assert acd.assignments(now=130) == [("c1", "senior")]  # relaxed by 1 after 30 s


def test_required_skills_take_the_higher_level_of_queue_and_caller() -> None:
    assert required_skills({"billing": 3}, {}) == {"billing": 3}
    assert required_skills({"billing": 3}, {"billing": 1, "zh": 2}) == {"billing": 3, "zh": 2}
    assert required_skills({}, {"billing": 4}) == {"billing": 4}
