"""Voicemail PINs: salted hashes, constant-time checks, malformed PINs refused."""

from __future__ import annotations

import pytest

from appliance.voicemail.pin import BadPin, hash_pin, verify_pin


def test_a_pin_is_kept_as_a_salted_hash_that_only_its_pin_matches() -> None:
    first, second = hash_pin("4321"), hash_pin("4321")
    assert "4321" not in first and first != second  # salted: same PIN, different hashes
    assert verify_pin("4321", first) and verify_pin("4321", second)
    assert not verify_pin("4320", first)
    assert not verify_pin("", first)


@pytest.mark.parametrize("stored", ["", "plain", "scrypt$x$8$1$00$00", "md5$1$2$3$4$5"])
def test_no_or_malformed_hash_matches_nothing(stored: str) -> None:
    assert not verify_pin("1234", stored)


@pytest.mark.parametrize("pin", ["", "123", "12345678901", "12a4", "１２３４", " 1234"])
def test_malformed_pins_are_refused(pin: str) -> None:
    with pytest.raises(BadPin, match="4 to 10 digits"):
        hash_pin(pin)
