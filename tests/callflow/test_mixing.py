"""The audio plan: who hears whom under hold, consultation, conference and monitoring."""

from __future__ import annotations

from appliance.callflow.const import MonitorMode
from appliance.callflow.mixing import Situation, plan

TALK = frozenset({"caller", "agent"})


def hears(links: frozenset[tuple[str, str]], sink: str) -> set[str]:
    return {src for src, dst in links if dst == sink}


def test_caller_and_agent_hear_each_other_and_are_recorded() -> None:
    p = plan(Situation(TALK))
    assert p.links == {("caller", "agent"), ("agent", "caller")}
    assert not p.music and p.recorded == TALK


def test_hold_parts_them_and_plays_music_to_the_caller() -> None:
    p = plan(Situation(TALK, held=True))
    assert p.links == frozenset() and p.music


def test_consulting_agent_talks_with_the_consulted_party_only() -> None:
    p = plan(Situation(TALK | {"consult"}, consulting=True))
    assert p.links == {("agent", "consult"), ("consult", "agent")} and p.music
    assert "consult" not in p.recorded


def test_consulted_party_still_ringing_leaves_the_caller_on_hold() -> None:
    p = plan(Situation(TALK, consulting=True))
    assert p.links == frozenset() and p.music


def test_three_way_everyone_hears_everyone() -> None:
    p = plan(Situation(TALK | {"third"}))
    assert hears(p.links, "caller") == {"agent", "third"}
    assert hears(p.links, "third") == {"caller", "agent"}
    assert p.recorded == {"caller", "agent", "third"}


def test_listen_nobody_hears_the_supervisor() -> None:
    p = plan(Situation(TALK | {"supervisor"}, monitor=MonitorMode.LISTEN))
    assert hears(p.links, "supervisor") == {"caller", "agent"}
    assert "supervisor" not in hears(p.links, "caller") | hears(p.links, "agent")


def test_whisper_reaches_the_agent_and_never_the_caller() -> None:
    p = plan(Situation(TALK | {"supervisor"}, monitor=MonitorMode.WHISPER))
    assert hears(p.links, "agent") == {"caller", "supervisor"}
    assert hears(p.links, "caller") == {"agent"}
    assert "supervisor" not in p.recorded  # the recording is what the caller's call was


def test_barge_joins_the_supervisor_to_the_conversation() -> None:
    p = plan(Situation(TALK | {"supervisor"}, monitor=MonitorMode.BARGE))
    assert hears(p.links, "caller") == {"agent", "supervisor"}
    assert "supervisor" in p.recorded


def test_supervisor_ringing_changes_nothing() -> None:
    assert plan(Situation(TALK, monitor=MonitorMode.WHISPER)) == plan(Situation(TALK))


def test_intro_the_caller_hears_the_prompt_the_agent_music() -> None:
    p = plan(Situation(TALK, intro=True))
    assert p.links == frozenset() and p.intro and p.agent_music
    assert not p.music  # the intro, not the music, reaches the caller
    assert "caller" not in p.recorded


def test_intro_on_hold_still_plays_the_intro_then_music_after() -> None:
    during = plan(Situation(TALK, held=True, intro=True))
    assert during.intro and not during.music
    assert plan(Situation(TALK, held=True)).music


def test_intro_after_the_agent_left_plays_on_with_nobody_to_wait() -> None:
    p = plan(Situation(frozenset({"caller"}), intro=True))
    assert p.intro and not p.agent_music and p.links == frozenset()


def test_a_supervisor_listening_during_the_intro_hears_the_agent_only() -> None:
    p = plan(Situation(TALK | {"supervisor"}, intro=True, monitor=MonitorMode.LISTEN))
    assert hears(p.links, "supervisor") == {"agent"} and hears(p.links, "caller") == set()
    assert p.agent_music  # the music goes to the agent's ear only: a sink, not a source
