"""The answering-machine detector on speech synthesized by espeak-ng (8 kHz PCM)."""

from __future__ import annotations

import random
import wave
from array import array
from collections.abc import Callable

import pytest

from appliance.dialer.amd import (
    FRAME_BYTES,
    AmdDetector,
    AmdSettings,
    Verdict,
    detect,
    frame_energy,
)
from appliance.prompts.tts import speak

GREETING = (
    "Hello, you have reached the office of John Smith. I cannot take your call "
    "right now, please leave a message after the tone."
)


def silence(seconds: float) -> bytes:
    """Return `seconds` of digital silence."""
    return bytes(int(16000 * seconds))


def noise(seconds: float, amplitude: int) -> bytes:
    """Return `seconds` of seeded white noise peaking at `amplitude`."""
    rng = random.Random(9)
    count = int(8000 * seconds)
    return array("h", [rng.randint(-amplitude, amplitude) for _ in range(count)]).tobytes()


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], bytes]:
    """Return a function giving the 8 kHz PCM of a text spoken by espeak-ng."""
    folder = tmp_path_factory.mktemp("amd")

    def render(text: str) -> bytes:
        """Speak `text` to a WAV in the temp folder and return its samples."""
        path = speak(text, "en", folder / f"{abs(hash(text))}.wav")
        with wave.open(str(path)) as wav:
            assert wav.getframerate() == 8000 and wav.getsampwidth() == 2
            return wav.readframes(wav.getnframes())

    return render


def test_short_hello_then_silence_is_a_person(spoken: Callable[[str], bytes]) -> None:
    """A person says "Hello?" and waits: the pause after a short greeting says human."""
    result = detect(silence(0.3) + spoken("Hello?") + silence(3))
    assert result.verdict is Verdict.HUMAN
    assert result.reason == "after_greeting_silence"
    assert 1.0 < result.seconds < 2.5


def test_long_greeting_is_a_machine(spoken: Callable[[str], bytes]) -> None:
    """A recorded greeting goes on word after word: a machine, within two seconds."""
    result = detect(silence(0.3) + spoken(GREETING) + silence(1))
    assert result.verdict is Verdict.MACHINE
    assert result.reason in {"max_words", "long_greeting"}
    assert result.seconds < 2.0


def test_long_greeting_without_the_word_rule_is_a_long_greeting(
    spoken: Callable[[str], bytes],
) -> None:
    """With words unlimited, the greeting rule alone still finds the machine."""
    settings = AmdSettings(max_words=100)
    result = detect(silence(0.3) + spoken(GREETING), settings)
    assert (result.verdict, result.reason) == (Verdict.MACHINE, "long_greeting")


def test_silence_only_is_a_machine() -> None:
    """Nobody speaks: Asterisk's rule calls initial silence a machine (or a dead line)."""
    result = detect(silence(5))
    assert (result.verdict, result.reason, result.seconds) == (
        Verdict.MACHINE,
        "initial_silence",
        2.5,
    )


def test_loud_noise_sounds_like_a_long_greeting() -> None:
    """Steady noise above the threshold is voice to the detector: it cannot tell them apart."""
    result = detect(noise(4, 3000))
    assert (result.verdict, result.reason, result.seconds) == (
        Verdict.MACHINE,
        "long_greeting",
        1.5,
    )


def test_quiet_noise_is_silence() -> None:
    """Line hiss under the threshold is silence: initial silence, a machine."""
    result = detect(noise(4, 200))
    assert (result.verdict, result.reason) == (Verdict.MACHINE, "initial_silence")


def test_no_rule_within_the_analysis_time_is_notsure(spoken: Callable[[str], bytes]) -> None:
    """Speech that breaks no limit before the analysis time ends gives NOTSURE too_long."""
    settings = AmdSettings(max_words=100, greeting_ms=10_000, total_analysis_ms=2000)
    result = detect(spoken(GREETING), settings)
    assert (result.verdict, result.reason, result.seconds) == (Verdict.NOTSURE, "too_long", 2.0)


def test_audio_ending_before_a_verdict_is_notsure() -> None:
    """A call that ends while the detector listens gives NOTSURE audio_ended."""
    detector = AmdDetector()
    assert detector.feed(silence(1)) is None
    result = detector.finish()
    assert (result.verdict, result.reason, result.seconds) == (
        Verdict.NOTSURE,
        "audio_ended",
        1.0,
    )


def test_chunking_does_not_change_the_verdict(spoken: Callable[[str], bytes]) -> None:
    """Audio fed in odd-sized pieces (RTP jitter, short reads) is judged the same."""
    pcm = silence(0.3) + spoken("Hello?") + silence(3)
    detector = AmdDetector()
    result = None
    for start in range(0, len(pcm), 77):
        result = detector.feed(pcm[start : start + 77])
        if result:
            break
    assert result == detect(pcm)


def test_the_verdict_stays_once_given(spoken: Callable[[str], bytes]) -> None:
    """Audio after the verdict changes nothing."""
    detector = AmdDetector()
    first = detector.feed(silence(3))
    assert first is not None
    assert detector.feed(spoken("Hello?") + silence(2)) == first
    assert detector.finish() == first


def test_frame_energy_is_the_mean_absolute_sample() -> None:
    """Energy is the mean of absolute sample values; an odd trailing byte is ignored."""
    frame = array("h", [300, -300] * 80).tobytes()
    assert len(frame) == FRAME_BYTES
    assert frame_energy(frame) == 300
    assert frame_energy(frame + b"\x01") == 300
    assert frame_energy(b"") == 0


@pytest.mark.parametrize("name", ["initial_silence_ms", "max_words", "silence_threshold"])
def test_settings_that_are_not_positive_are_refused(name: str) -> None:
    """A zero or negative limit is a clear error naming it."""
    with pytest.raises(ValueError, match=name):
        AmdSettings(**{name: 0})
