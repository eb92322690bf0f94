"""Say numbers and queue announcements as sequences of prompt names, per language.

Prompt names: ``num-0`` … ``num-19``, ``num-20`` … ``num-90`` (tens), ``num-hundred``.
English composes "three hundred forty two"; Chinese composes 三百四十二 from
``num-0`` … ``num-10`` (零 … 十) and ``num-hundred`` (百), with 零 for a missing ten
(一百零五) and 一十 after a hundred (一百一十).  Numbers 0–999.
"""

from __future__ import annotations

MAX_NUMBER = 999


def number_prompts(n: int, language: str) -> list[str]:
    """Return the prompt names that say n (0–999) in language (anything not zh: English)."""
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"{n} is outside 0–{MAX_NUMBER}")
    return _zh(n) if language == "zh" else _en(n)


def _en(n: int) -> list[str]:
    """Return English number prompts."""
    hundreds, rest = divmod(n, 100)
    words = [f"num-{hundreds}", "num-hundred"] if hundreds else []
    if rest or not hundreds:
        words += _en_below_100(rest)
    return words


def _en_below_100(n: int) -> list[str]:
    """Return English prompts for 0–99."""
    if n < 20:
        return [f"num-{n}"]
    tens, unit = divmod(n, 10)
    return [f"num-{tens * 10}"] + ([f"num-{unit}"] if unit else [])


def _zh(n: int) -> list[str]:
    """Return Chinese number prompts."""
    hundreds, rest = divmod(n, 100)
    if not hundreds:
        return _zh_below_100(rest, after_hundred=False)
    words = [f"num-{hundreds}", "num-hundred"]
    if rest and rest < 10:
        words += ["num-0", f"num-{rest}"]
    elif rest:
        words += _zh_below_100(rest, after_hundred=True)
    return words


def _zh_below_100(n: int, after_hundred: bool) -> list[str]:
    """Return Chinese prompts for 0–99 (一十 only after a hundred)."""
    if n <= 10:
        return ["num-1", "num-10"] if n == 10 and after_hundred else [f"num-{n}"]
    tens, unit = divmod(n, 10)
    words = ["num-10"] if tens == 1 and not after_hundred else [f"num-{tens}", "num-10"]
    return words + ([f"num-{unit}"] if unit else [])


def digits_prompts(number: str) -> list[str]:
    """Return prompts saying a phone number digit by digit (other characters skipped)."""
    return [f"num-{d}" for d in number if d.isdigit()]


def position_prompts(position: int, language: str) -> list[str]:
    """Return "you are caller number N (in line)"."""
    return [
        "queue-position",
        *number_prompts(min(position, MAX_NUMBER), language),
        "queue-position-end",
    ]


def wait_prompts(minutes: int, language: str) -> list[str]:
    """Return "your expected wait is about M minute(s)"."""
    unit = "minute" if minutes == 1 else "minutes"
    return ["queue-wait", *number_prompts(min(minutes, MAX_NUMBER), language), unit]
