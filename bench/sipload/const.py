"""Name the benchmark's fixed figures: the call it places, its pacing and the issue's targets."""

from __future__ import annotations

from pathlib import Path

DTMF_PCAP = Path("/usr/share/sip-tester/dtmf_2833_2.pcap")  # played by bench_caller.xml
AUDIO_FILE = "bench_caller.alaw"  # bench_caller.xml streams it from SIPp's working folder
FIRST_EXTENSION = 3000
QUEUE = "support"
NUMBER = "100"
DTMF_TO_RTP_MS = 300  # bench_caller.xml's pause between the digit and the stream
POLL_SECONDS = 0.5
SETUP_MARGIN = 0.25  # seconds from the end of the greeting to bridged (measured ≈10 ms idle)
REGISTER_RATE = 100
ENGINE_RTP_RANGE = 8000  # the engine's default; 2 ports per leg, reused as calls end
# Targets of the issue (printed next to the figures, never turned into an exit status).
TARGET_CONCURRENT = 200
TARGET_CPU_PERCENT = 45.0
TARGET_PPS = 50.0
TARGET_PPS_TOLERANCE = 0.98  # 49 packets/s per leg counts as 50
TARGET_RATE = 100.0
LEG_RATES = ("caller_rx", "caller_tx", "agent_rx", "agent_tx")
