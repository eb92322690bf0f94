"""The callback offer's digit handling: own number, keyed number, mistakes, timeouts."""

from __future__ import annotations

from appliance.callflow.callback_offer import ENTER, OFFER, Ask, CallbackOffer, Cancel, Confirm


def keys(offer: CallbackOffer, digits: str) -> list[object]:
    return [offer.digit(d) for d in digits]


def test_one_confirms_the_calling_number() -> None:
    offer = CallbackOffer("13800138000")
    assert offer.start() == OFFER
    assert offer.digit("1") == Confirm("13800138000")


def test_two_then_a_number_and_hash() -> None:
    offer = CallbackOffer("13800138000")
    assert offer.digit("2") == ENTER
    assert keys(offer, "0105551234") == [None] * 10
    assert offer.digit("#") == Confirm("0105551234")


def test_one_without_a_usable_caller_number_asks_for_one() -> None:
    assert CallbackOffer("anonymous").digit("1") == ENTER


def test_star_starts_the_number_again() -> None:
    offer = CallbackOffer("")
    offer.digit("2")
    keys(offer, "999")
    assert offer.digit("*") == ENTER
    keys(offer, "12345")
    assert offer.digit("#") == Confirm("12345")


def test_mistakes_are_said_then_the_offer_gives_up() -> None:
    offer = CallbackOffer("13800138000")
    assert offer.digit("7") == Ask(("invalid", "callback-offer"))
    offer.digit("2")
    keys(offer, "12")
    assert offer.digit("#") == Ask(("invalid", "callback-enter-number"))  # too short
    assert keys(offer, "1" * 21)[-1] == Cancel("too many wrong keys in the callback offer")


def test_timeouts() -> None:
    assert isinstance(CallbackOffer("138").timeout(), Cancel)
    offer = CallbackOffer("")
    offer.digit("2")
    keys(offer, "5551234")
    assert offer.timeout() == Confirm("5551234")  # forgot the hash
