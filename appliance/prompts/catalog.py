"""The prompts the box ships with: name → text per language, and the espeak-ng voices."""

from __future__ import annotations

# Folder name under <paths.prompts> → espeak-ng voice.
VOICES: dict[str, str] = {"en": "en", "zh": "cmn"}

PROMPTS: dict[str, dict[str, str]] = {
    "welcome": {"en": "Welcome to callbox.", "zh": "欢迎致电。"},
    "main-menu": {
        "en": "For sales, press 1. For support, press 2.",
        "zh": "销售请按1，技术支持请按2。",
    },
    "invalid": {"en": "Sorry, that is not a valid choice.", "zh": "对不起，您的选择无效。"},
    "goodbye": {"en": "Thank you for calling. Goodbye.", "zh": "感谢您的来电，再见。"},
    "please-hold": {
        "en": "All our agents are busy. Please hold.",
        "zh": "座席正忙，请稍候。",
    },
    "no-agents": {
        "en": "No agent is available right now. Goodbye.",
        "zh": "现在没有可以接听的座席，再见。",
    },
    "agent-unavailable": {
        "en": "The person you are calling is not available. Goodbye.",
        "zh": "您呼叫的座席暂时无法接听，再见。",
    },
    "agent-ready": {"en": "You are ready.", "zh": "您已示闲。"},
    "agent-not-ready": {"en": "You are not ready.", "zh": "您已示忙。"},
    "agent-logged-out": {"en": "You are logged out.", "zh": "您已签出。"},
    "agent-dnd": {"en": "Do not disturb is on.", "zh": "免打扰已开启。"},
    "forward-on": {"en": "Your calls are forwarded.", "zh": "呼叫转移已开启。"},
    "forward-off": {"en": "Call forwarding is off.", "zh": "呼叫转移已取消。"},
    "recording-notice": {
        "en": "This call may be recorded for quality purposes.",
        "zh": "为了保证服务质量，您的通话可能会被录音。",
    },
}

# Music on hold: I–vi–IV–V, each chord a plucked bass note under a soft sine pad.
MOH_CHORDS: list[tuple[str, str, str, str]] = [
    ("C3", "E4", "G4", "C5"),
    ("A2", "E4", "A4", "C5"),
    ("F2", "F4", "A4", "C5"),
    ("G2", "D4", "G4", "B4"),
]
MOH_CHORD_SECONDS = 3.75
MOH_REPEATS = 2  # 4 chords × 3.75 s × 2 = 30 s
