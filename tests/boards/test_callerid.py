"""Caller ID signalling: messages, FSK (Bell 202, V.23) and DTMF, generated and decoded.

The receiver is fed generated transmissions as a line gives them: 20 ms frames, at
several levels, with white noise, bit rates off by 1 %, short or long mark runs, and
the silence of a ring cadence around them. A wrong checksum must give no caller ID.
"""

from __future__ import annotations

import pytest

from appliance.boards.callerid import dtmf_cid, fsk, messages
from appliance.boards.callerid.messages import CallerId
from appliance.boards.callerid.receiver import CallerIdReceiver
from appliance.boards.callerid.sender import caller_id_audio
from appliance.boards.dsp import dtmf, pcm

ZHANG = CallerId("13800138000", "Zhang Wei", "11281030")


def receive(values: list[float], signalling: str = "auto") -> list[CallerId]:
    """Feed values to a receiver in 20 ms frames; return every caller ID it found."""
    receiver = CallerIdReceiver(signalling)
    found = [receiver.feed_pcm(frame) for frame in pcm.frames(values)]
    return [cid for cid in found if cid is not None]


def between_rings(burst: list[float], noise_dbfs: float | None = None) -> list[float]:
    """Return a burst as it comes between two rings: 0.5 s after the first, 1 s before."""
    values = pcm.silence(0.5) + burst + pcm.silence(1.0)
    return values if noise_dbfs is None else pcm.add_noise(values, noise_dbfs)


def test_mdmf_and_sdmf_round_trip_with_absent_reasons() -> None:
    """Every field survives encoding; absent numbers and names carry their reason."""
    assert messages.decode(messages.encode_mdmf(ZHANG), "bell") == CallerId(
        "13800138000", "Zhang Wei", "11281030", signalling="bell"
    )
    private = CallerId(number_absent="private", name_absent="private")
    assert messages.decode(messages.encode_mdmf(private)) == private
    sdmf = messages.decode(messages.encode_sdmf(CallerId("5551234", when="01020304")))
    assert sdmf == CallerId("5551234", when="01020304")
    out_of_area = messages.decode(messages.encode_sdmf(CallerId(number_absent="unavailable")))
    assert out_of_area is not None and out_of_area.number_absent == "unavailable"
    data = messages.encode_mdmf(ZHANG)
    assert sum(data) % 256 == 0 and data[0] == messages.MDMF and data[1] == len(data) - 3


def test_a_broken_message_is_no_caller_id() -> None:
    """Wrong checksum, wrong length, truncated parameters: None, never a guess."""
    data = bytearray(messages.encode_mdmf(ZHANG))
    data[-1] ^= 0x01
    assert messages.decode(bytes(data)) is None
    data = bytearray(messages.encode_mdmf(ZHANG))
    data[5] ^= 0x04  # a digit changed: the checksum no longer holds
    assert messages.decode(bytes(data)) is None
    assert messages.decode(messages.encode_mdmf(ZHANG)[:-2]) is None
    body = bytes((messages.P_NUMBER, 20)) + b"123"  # a parameter longer than the message
    head = bytes((messages.MDMF, len(body))) + body
    assert messages.decode(head + bytes((messages.checksum(head),))) is None
    with pytest.raises(ValueError, match="1 to 80"):
        messages.encode_mdmf(CallerId("1" * 81))


@pytest.mark.parametrize("signalling", ["bell", "v23"])
@pytest.mark.parametrize(
    ("level", "noise"), [(-13.0, None), (-40.0, None), (-5.0, None), (-20.0, -40.0), (-30.0, -48.0)]
)
def test_fsk_caller_id_between_rings(signalling: str, level: float, noise: float | None) -> None:
    """An MDMF burst at line levels from -40 to -5 dBFS, clean or 18-20 dB above noise."""
    burst = fsk.modulate(messages.encode_mdmf(ZHANG), fsk.MODEMS[signalling], level)
    found = receive(between_rings(burst, noise))
    assert [(c.number, c.name, c.when) for c in found] == [("13800138000", "Zhang Wei", "11281030")]
    assert receive(between_rings(burst, noise), signalling)[0].signalling == signalling


@pytest.mark.parametrize("signalling", ["bell", "v23"])
@pytest.mark.parametrize("rate", [0.99, 1.01])
def test_fsk_with_a_bit_rate_off_by_one_percent(signalling: str, rate: float) -> None:
    """The exchange's clock is allowed to be 1 % off: the UART times from each start bit."""
    modem = fsk.MODEMS[signalling]
    burst = fsk.modulate(messages.encode_mdmf(ZHANG), modem, -15.0, rate=fsk.BIT / rate)
    assert [c.number for c in receive(between_rings(burst, -45.0))] == ["13800138000"]


def test_fsk_without_seizure_and_with_a_short_mark_run() -> None:
    """ETSI allows no channel seizure (after a line reversal) and marks down to 55 bits."""
    short = fsk.Modem("v23", 1300.0, 2100.0, 55)
    burst = fsk.modulate(messages.encode_sdmf(CallerId("0755123456")), short, -18.0, seizure=False)
    assert [c.number for c in receive(between_rings(burst, -50.0), "v23")] == ["0755123456"]


def test_fsk_with_a_corrupt_checksum_gives_no_caller_id() -> None:
    """The modem hears every byte right, the checksum says no: nothing is reported."""
    data = bytearray(messages.encode_mdmf(ZHANG))
    data[-1] = (data[-1] + 1) & 0xFF
    burst = fsk.modulate(bytes(data), fsk.BELL202, -15.0)
    assert fsk.Demodulator(fsk.BELL202).feed(burst).endswith(bytes(data))
    assert receive(between_rings(burst, -50.0)) == []


def test_fsk_private_and_withheld_reasons_on_the_line() -> None:
    """A withheld number arrives as its reason, not as an empty caller ID."""
    withheld = CallerId(number_absent="private", name_absent="private")
    found = receive(between_rings(pcm.samples(caller_id_audio(withheld, "bell"))))
    assert len(found) == 1 and found[0].number_absent == "private" and not found[0].number
    assert found[0].as_event() == {
        "number": "",
        "name": "",
        "number_absent": "private",
        "name_absent": "private",
        "signalling": "fsk",
    }


def test_noise_alone_and_ring_like_audio_give_nothing() -> None:
    """Seconds of noise, hum and a loud 25 Hz ring bleed: no caller ID, no crash."""
    noise = pcm.add_noise(pcm.silence(3.0), -20.0, seed=7)
    hum = pcm.tone((50.0, 150.0), 1.0, -15.0)
    ring = pcm.tone((25.0,), 1.0, -3.0)
    assert receive(noise + hum + ring) == []


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("A13800138000C", CallerId("13800138000", signalling="dtmf")),
        ("D075512345678C", CallerId("075512345678", signalling="dtmf")),
        ("D8675#", CallerId("8675", signalling="dtmf")),
        ("B10C", CallerId(number_absent="private", signalling="dtmf")),
        ("B00C", CallerId(number_absent="unavailable", signalling="dtmf")),
    ],
)
def test_dtmf_caller_id_before_the_first_ring(keys: str, expected: CallerId) -> None:
    """DTMF caller ID framings (China's D…C, A…C, # end, B-codes) with noise."""
    values = pcm.add_noise(pcm.silence(0.3) + dtmf.generate(keys, 0.06, 0.06, -18.0), -45.0)
    assert receive(values) == [expected]
    assert receive(values, "dtmf") == [expected]
    assert receive(values, "bell") == []  # not listened for


def test_dtmf_caller_id_that_breaks_off_gives_nothing() -> None:
    """A start key, digits and no end key (or an empty number): no caller ID."""
    assert receive(dtmf.generate("A1380013")) == []
    assert receive(dtmf.generate("AC")) == []
    assert receive(dtmf.generate("B55C")) == []
    parser = dtmf_cid.DtmfCallerId()
    assert [parser.key(k) for k in "1234C"] == [None] * 5  # no start key: ignored


def test_sender_makes_what_the_receiver_reads() -> None:
    """The FXS side's audio (FSK MDMF or DTMF) is read back by the FXO side's receiver."""
    for signalling in ("bell", "v23"):
        audio = pcm.samples(caller_id_audio(ZHANG, signalling))
        assert receive(audio, signalling) == [
            CallerId("13800138000", "Zhang Wei", "11281030", signalling=signalling)
        ]
    audio = pcm.samples(caller_id_audio(ZHANG, "dtmf"))
    assert receive(audio, "dtmf") == [CallerId("13800138000", signalling="dtmf")]
    assert caller_id_audio(ZHANG, "off") == b""
    with pytest.raises(ValueError, match="one of"):
        caller_id_audio(ZHANG, "morse")
    with pytest.raises(ValueError, match="one of"):
        CallerIdReceiver("morse")
