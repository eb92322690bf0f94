"""Voicemail PINs: salted hashes, constant-time checks, malformed PINs refused."""

from __future__ import annotations

import pytest

from appliance.voicemail.pin import BadPin, PinGuard, hash_pin, verify_pin


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


def test_a_box_refuses_pins_after_many_wrong_ones_until_they_age() -> None:
    guard = PinGuard(limit=3, window=60.0)
    for t in (0.0, 10.0, 20.0):
        assert not guard.locked("1001", t)
        guard.wrong("1001", t)
    assert guard.locked("1001", 30.0)  # even the right PIN is not checked now
    assert not guard.locked("1002", 30.0)  # other boxes are not affected
    assert not guard.locked("1001", 61.0)  # the first wrong PIN aged out
    guard.wrong("1001", 62.0)
    assert guard.locked("1001", 63.0)
    guard.right("1001")
    assert not guard.locked("1001", 64.0)
