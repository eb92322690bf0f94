"""Feature codes and call targets: parsing and the states they lead to."""

from __future__ import annotations

import pytest

from appliance.callflow.const import AgentState
from appliance.callflow.features import Feature, next_state, parse
from appliance.callflow.targets import call_target


@pytest.mark.parametrize(
    ("dialled", "feature"),
    [
        ("*45", Feature("login")),
        ("*46", Feature("ready")),
        ("*8", Feature("pickup")),
        ("*78", Feature("dnd_on")),
        ("*79", Feature("dnd_off")),
        ("*7213900139000", Feature("forward", "13900139000", "forward_to")),
        ("*72+8613900139000", Feature("forward", "+8613900139000", "forward_to")),
        ("*73", Feature("unforward", column="forward_to")),
        ("*901003", Feature("forward", "1003", "forward_busy")),
        ("*91", Feature("unforward", column="forward_busy")),
        ("*5213900139000", Feature("forward", "13900139000", "forward_no_answer")),
        ("*53", Feature("unforward", column="forward_no_answer")),
        ("*72", None),
        ("*72abc", None),
        ("*99", None),
        ("100", None),
    ],
)
def test_parse(dialled: str, feature: Feature | None) -> None:
    assert parse(dialled) == feature


@pytest.mark.parametrize(
    ("action", "state", "after"),
    [
        ("login", AgentState.LOGGED_OUT, AgentState.READY),
        ("login", AgentState.NOT_READY, AgentState.LOGGED_OUT),
        ("ready", AgentState.READY, AgentState.NOT_READY),
        ("ready", AgentState.NOT_READY, AgentState.READY),
        ("ready", AgentState.LOGGED_OUT, AgentState.READY),
        ("dnd_on", AgentState.READY, AgentState.DND),
        ("dnd_off", AgentState.DND, AgentState.READY),
        ("dnd_off", AgentState.NOT_READY, AgentState.NOT_READY),
    ],
)
def test_next_state(action: str, state: AgentState, after: AgentState) -> None:
    assert next_state(action, state) == after


def test_next_state_refuses_non_state_features() -> None:
    with pytest.raises(ValueError, match="pickup"):
        next_state("pickup", AgentState.READY)


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("1002", ("agent", "1002")),
        ("agent:1002", ("agent", "1002")),
        ("queue:sales", ("queue", "sales")),
        ("ivr:menu", ("ivr", "menu")),
        ("external:+8613800138000", ("external", "+8613800138000")),
    ],
)
def test_call_target(text: str, target: tuple[str, str]) -> None:
    assert call_target(text) == target


@pytest.mark.parametrize("text", ["", "fax:1", "queue:", "external:12ab"])
def test_call_target_refuses(text: str) -> None:
    with pytest.raises(KeyError):
        call_target(text)


def test_a_forward_to_my_own_voicemail_is_spelt_with_its_listening_code() -> None:
    from appliance.callflow.features import DEFAULT_CODES, parse

    feature = parse("*90" + DEFAULT_CODES.voicemail_own)
    assert feature is not None
    assert (feature.action, feature.argument, feature.column) == ("forward", "*97", "forward_busy")
    assert parse("*90*8") is None  # another code is not a forward target


def test_codes_changed_in_the_settings_are_the_ones_recognised() -> None:
    from appliance.callflow.features import FeatureCodes, parse

    codes = FeatureCodes(dnd_on="*55", park="*500", intercom="*81")
    assert parse("*55", codes) is not None and parse("*55", codes).action == "dnd_on"
    assert parse("*78", codes) is None  # the old code is free again
    assert parse("*500", codes).action == "park"  # type: ignore[union-attr]
    assert parse("*811002", codes).argument == "1002"  # type: ignore[union-attr]
    assert codes.problems() == []


def test_codes_a_phone_cannot_dial_or_the_box_cannot_tell_apart_are_refused(
    tmp_path: object,
) -> None:
    from pathlib import Path

    import pytest

    from appliance.callflow.features import FeatureCodes
    from appliance.config import ConfigError, load

    assert FeatureCodes(login="45").problems() == [
        "login '45' is not * and up to 5 digits or stars"
    ]
    assert FeatureCodes(ready="*45").problems() == ["ready and login are both '*45'"]
    assert FeatureCodes(intercom="*4").problems() == [
        "login '*45' starts with intercom '*4'",
        "ready '*46' starts with intercom '*4'",
    ]
    env = {"CALLBOX_PATHS__VAR": str(tmp_path), "CALLBOX_FEATURES__PARK": "*8"}
    with pytest.raises(ConfigError, match="settings 'features': park and pickup are both"):
        load(Path(str(tmp_path)) / "absent.yml", env=env)


def test_a_call_out_is_booked_with_a_time_and_a_number() -> None:
    from appliance.callflow.features import parse

    booked = parse("*3514300138000")
    assert booked is not None and (booked.action, booked.argument) == ("book_call", "14:30 0138000")
    assert parse("*352530013800") is None  # no 25:30
    assert parse("*351430") is None  # no number


def test_a_booking_by_phone_is_for_the_next_time_that_hour_comes() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from appliance.engine.scheduled_calls import next_time

    shanghai = ZoneInfo("Asia/Shanghai")
    noon = datetime(2026, 11, 28, 12, 0, tzinfo=shanghai).timestamp()
    assert (
        next_time("14:30", "Asia/Shanghai", noon)
        == datetime(2026, 11, 28, 14, 30, tzinfo=shanghai).timestamp()
    )
    assert (
        next_time("09:00", "Asia/Shanghai", noon)
        == datetime(2026, 11, 29, 9, 0, tzinfo=shanghai).timestamp()
    )  # already past today: tomorrow
