"""Listening to a mailbox by phone: every key, wrong PINs, silence, the end of the messages."""

from __future__ import annotations

from appliance.callflow.features import Feature, parse
from appliance.callflow.voicemail_listen import MESSAGE_MENU, Heard, Listening, Step

NEW = [Heard(11, 14, 5), Heard(12, 9, 30)]
OLD = Heard(10, 8, 0, new=False)


def key(listening: Listening, keys: str) -> Step | None:
    """Press keys one after another; return the last answer."""
    step = None
    for digit in keys:
        step = listening.digit(digit)
    return step


def logged_in(messages: list[Heard] | None = None) -> tuple[Listening, Step]:
    """Return a listening to box 1001 past the PIN, and the first step after it."""
    listening = Listening("1001")
    listening.start()
    assert key(listening, "1234#") == Step(check_pin=("1001", "1234"))
    return listening, listening.pin_checked(True, [*NEW, OLD] if messages is None else messages)


def played(step: Step) -> list[str]:
    return [item for item in step.say if item.startswith("message:")]


def test_own_box_asks_the_pin_and_any_box_asks_the_number_first() -> None:
    assert Listening("1001").start() == Step(("vm-enter-pin",))
    anyone = Listening()
    assert anyone.start() == Step(("vm-enter-box",))
    assert key(anyone, "1002") is None
    assert key(anyone, "#") == Step(("vm-enter-pin",))
    assert key(anyone, "99#") == Step(check_pin=("1002", "99"))


def test_digits_while_the_pin_is_checked_are_ignored() -> None:
    listening = Listening("1001")
    listening.start()
    key(listening, "1234#")
    assert key(listening, "5") is None and listening.stage == "checking"


def test_after_the_pin_the_count_then_the_first_new_message_with_its_time() -> None:
    _, step = logged_in()
    assert step.say == (
        "vm-you-have", "num-2", "vm-new-messages",
        "vm-message", "num-1", "vm-message-time", "num-14", "vm-hours", "num-5", "vm-minutes",
        "message:11", MESSAGE_MENU,
    )  # fmt: skip
    assert step.changes == (("heard", 11),) and not step.hang_up


def test_chinese_numbers_and_one_new_message() -> None:
    listening = Listening("1001", language="zh")
    listening.start()
    key(listening, "1234#")
    step = listening.pin_checked(True, [Heard(11, 14, 5)])
    assert step.say[:3] == ("vm-you-have", "num-1", "vm-new-message")
    assert step.say[6:9] == ("num-10", "num-4", "vm-hours")  # 十四点


def test_keys_at_a_message() -> None:
    listening, _ = logged_in()
    again = key(listening, "1")
    assert again is not None and played(again) == ["message:11"] and again.changes == ()
    after_delete = key(listening, "7")
    assert after_delete is not None
    assert after_delete.say[0] == "vm-deleted" and played(after_delete) == ["message:12"]
    assert after_delete.changes == (("deleted", 11), ("heard", 12))
    back = key(listening, "*")
    assert back is not None and played(back) == ["message:11"]  # heard already: no change
    assert back.changes == ()
    skip = key(listening, "##")
    assert skip is not None and played(skip) == ["message:10"] and skip.changes == ()
    saved = key(listening, "9")
    assert saved == Step(("vm-saved", "vm-no-more-messages", "vm-goodbye"),
                         (("saved", 10),), hang_up=True)  # fmt: skip


def test_star_at_the_first_message_plays_it_again() -> None:
    listening, _ = logged_in()
    step = key(listening, "*")
    assert step is not None and played(step) == ["message:11"]


def test_wrong_keys_at_a_message_say_invalid_then_goodbye_after_three() -> None:
    listening, _ = logged_in()
    assert key(listening, "5") == Step(("invalid", MESSAGE_MENU))
    assert key(listening, "0") == Step(("invalid", MESSAGE_MENU))
    assert key(listening, "8") == Step(("invalid", "vm-goodbye"), hang_up=True)
    assert key(listening, "1") is None  # done: nothing more happens


def test_a_right_key_resets_the_count_of_wrong_ones() -> None:
    listening, _ = logged_in()
    key(listening, "55")
    key(listening, "1")
    assert key(listening, "5") == Step(("invalid", MESSAGE_MENU))


def test_silence_at_a_message_repeats_the_choices_then_says_goodbye() -> None:
    listening, _ = logged_in()
    assert listening.timeout() == Step((MESSAGE_MENU,))
    assert listening.timeout() == Step(("vm-goodbye",), hang_up=True)


def test_three_wrong_pins_end_the_call() -> None:
    listening = Listening("1001")
    listening.start()
    for _ in range(2):
        key(listening, "0000#")
        assert listening.pin_checked(False, []) == Step(("vm-pin-wrong", "vm-enter-pin"))
    key(listening, "0000#")
    assert listening.pin_checked(False, []) == Step(("vm-pin-wrong", "vm-goodbye"), hang_up=True)


def test_a_pin_ended_by_a_pause_is_checked_and_star_starts_it_again() -> None:
    listening = Listening("1001")
    listening.start()
    assert key(listening, "12*") == Step(("vm-enter-pin",))
    key(listening, "4321")
    assert listening.timeout() == Step(check_pin=("1001", "4321"))


def test_silence_or_a_bare_hash_at_the_pin() -> None:
    listening = Listening("1001")
    listening.start()
    assert key(listening, "#") == Step(("invalid", "vm-enter-pin"))
    assert listening.timeout() == Step(("vm-enter-pin",))
    assert listening.timeout() == Step(("vm-goodbye",), hang_up=True)


def test_too_many_digits_are_a_mistake() -> None:
    listening = Listening()
    listening.start()
    assert key(listening, "1" * 21) == Step(("invalid", "vm-enter-box"))


def test_an_empty_box() -> None:
    _, step = logged_in(messages=[])
    assert step == Step(("vm-you-have", "num-0", "vm-new-messages", "vm-no-messages",
                         "vm-goodbye"), hang_up=True)  # fmt: skip


def test_the_feature_codes() -> None:
    assert parse("*97") == Feature("voicemail_own")
    assert parse("*98") == Feature("voicemail_any")
