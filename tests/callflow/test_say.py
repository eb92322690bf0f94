"""Numbers and queue announcements as prompt names, English and Chinese."""

from __future__ import annotations

import pytest

from appliance.callflow.say import digits_prompts, number_prompts, position_prompts, wait_prompts


def names(text: str) -> list[str]:
    return [f"num-{w}" for w in text.split()]


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "0"),
        (7, "7"),
        (13, "13"),
        (20, "20"),
        (42, "40 2"),
        (100, "1 hundred"),
        (105, "1 hundred 5"),
        (342, "3 hundred 40 2"),
        (999, "9 hundred 90 9"),
    ],
)
def test_english(n: int, words: str) -> None:
    assert number_prompts(n, "en") == names(words)


@pytest.mark.parametrize(
    ("n", "words"),  # 零 一 … 十 百
    [
        (0, "0"),
        (7, "7"),
        (10, "10"),  # 十
        (15, "10 5"),  # 十五
        (20, "2 10"),  # 二十
        (42, "4 10 2"),  # 四十二
        (100, "1 hundred"),  # 一百
        (105, "1 hundred 0 5"),  # 一百零五
        (110, "1 hundred 1 10"),  # 一百一十
        (115, "1 hundred 1 10 5"),  # 一百一十五
        (342, "3 hundred 4 10 2"),  # 三百四十二
        (900, "9 hundred"),
    ],
)
def test_chinese(n: int, words: str) -> None:
    assert number_prompts(n, "zh") == names(words)


def test_chinese_never_needs_more_than_ten_and_hundred() -> None:
    used = {p for n in range(1000) for p in number_prompts(n, "zh")}
    assert used == {f"num-{d}" for d in range(11)} | {"num-hundred"}


@pytest.mark.parametrize("n", [-1, 1000])
def test_out_of_range(n: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        number_prompts(n, "en")


def test_announcements() -> None:
    assert position_prompts(3, "en") == ["queue-position", "num-3", "queue-position-end"]
    assert wait_prompts(1, "zh") == ["queue-wait", "num-1", "minute"]
    assert wait_prompts(12, "zh") == ["queue-wait", "num-10", "num-2", "minutes"]
    assert position_prompts(5000, "en")[1:-1] == names("9 hundred 90 9")  # capped
    assert digits_prompts("+86 10") == names("8 6 1 0")
