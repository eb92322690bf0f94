"""SIPp callers that press a given series of keys (RFC 4733 DTMF), written per test.

SIPp plays audio from pcap files named in the scenario, one per digit, so a caller
pressing "1 2 3" is a scenario of its own: this module writes one from
`caller_menu.xml` (the caller hangs up) or `caller_hold_bye.xml` (the box does),
replacing the single digit of those with the keys asked for.
"""

from __future__ import annotations

from pathlib import Path

PCAPS = Path("/usr/share/sip-tester")
NAMES = {"#": "pound", "*": "star"}
SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
DIGIT_BLOCK = (
    f'  <nop><action><exec play_pcap_audio="{PCAPS}/dtmf_2833_2.pcap"/></action></nop>\n'
    '  <pause milliseconds="500"/>\n'
)


def keyed_scenario(folder: Path, keys: list[tuple[int, str]], box_hangs_up: bool) -> Path:
    """Write a caller pressing each (pause ms, key) in turn; return the scenario's path.

    Speech goes before every key: the digit pcaps share RTP sequence numbers, so a
    digit straight after another would be dropped as a repeat.  The caller then
    speaks and hangs up after `talk_ms` (`box_hangs_up` false) or waits for the
    box's BYE.  A key "" is a pause only.  The template's `menu_ms` pause stays
    (run with ``menu_ms=0``): SIPp refuses a variable that is set but never used.
    """
    template = SCENARIOS / ("caller_hold_bye.xml" if box_hangs_up else "caller_menu.xml")
    text = template.read_text()
    assert DIGIT_BLOCK in text, f"{template.name} changed: no single digit block to replace"
    steps = []
    for pause_ms, key in keys:
        steps.append(f'  <pause milliseconds="{pause_ms}"/>\n')
        if key:
            pcap = PCAPS / f"dtmf_2833_{NAMES.get(key, key)}.pcap"
            speech = PCAPS / "g711a.pcap"
            steps.append(f'  <nop><action><exec play_pcap_audio="{speech}"/></action></nop>\n')
            steps.append('  <pause milliseconds="100"/>\n')
            steps.append(f'  <nop><action><exec play_pcap_audio="{pcap}"/></action></nop>\n')
    steps.append('  <pause milliseconds="300"/>\n')
    name = "-".join(f"{ms}{NAMES.get(k, k)}" for ms, k in keys) or "silent"
    target = folder / f"keys-{name}-{'hold' if box_hangs_up else 'bye'}.xml"
    target.write_text(text.replace(DIGIT_BLOCK, "".join(steps)))
    return target
