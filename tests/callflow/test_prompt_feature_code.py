"""The prompt-recording feature code: *77 and up to ten digits name the prompt."""

from __future__ import annotations

import pytest

from appliance.callflow.features import Feature, parse


@pytest.mark.parametrize(
    ("dialled", "feature"),
    [
        ("*771", Feature("record_prompt", "phone-1")),
        ("*770042", Feature("record_prompt", "phone-0042")),
        ("*771234567890", Feature("record_prompt", "phone-1234567890")),
        ("*7712345678901", None),  # more than ten digits
        ("*77", None),  # the prompt needs a number
        ("*77ab", None),
        ("*78", Feature("dnd_on")),  # the neighbours keep their meaning
    ],
)
def test_record_prompt_code(dialled: str, feature: Feature | None) -> None:
    assert parse(dialled) == feature
