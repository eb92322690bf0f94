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
    # Office phone features (docs/pbx.md): the park slot's digits follow "call-parked".
    "call-parked": {"en": "The call is parked at", "zh": "通话已停泊在"},
    "call-booked": {"en": "Your call is booked.", "zh": "外呼已预约。"},
    "busy-callback-on": {
        "en": "We will call you back when the line is free.",
        "zh": "对方空闲时，我们将为您回拨。",
    },
    "recording-notice": {
        "en": "This call may be recorded for quality purposes.",
        "zh": "为了保证服务质量，您的通话可能会被录音。",
    },
    # Post-call survey (docs/surveys.md) and the company intro an agent can play (call.intro).
    "survey-rate": {
        "en": "Please rate our service today, from 1 for poor to 5 for excellent.",
        "zh": "请为本次服务评分，1分为很差，5分为非常满意。",
    },
    "survey-invalid": {"en": "Please press a key from 1 to 5.", "zh": "请按1到5之间的数字键。"},
    "survey-comment": {
        "en": "Please leave a short comment after the tone, then press the hash key.",
        "zh": "请在提示音后留下简短的意见，完毕请按井号键。",
    },
    "survey-thanks": {"en": "Thank you for your feedback. Goodbye.", "zh": "感谢您的评价，再见。"},
    "company-intro": {
        "en": "Callbox helps small businesses serve their customers by phone, "
        "with queues, recordings and reports in one box. "
        "Please stay on the line: your agent will be back with you right away.",
        "zh": "Callbox 为中小企业提供一体化的电话客服，包括排队、录音和报表。"
        "请不要挂机，座席马上回来为您服务。",
    },
    # Queue announcements (appliance/callflow/say.py composes them with the numbers below).
    "queue-position": {"en": "You are caller number", "zh": "您是第"},
    "queue-position-end": {"en": "in line.", "zh": "位。"},
    "queue-wait": {"en": "Your expected wait is about", "zh": "预计等待"},
    "minute": {"en": "minute.", "zh": "分钟。"},
    "minutes": {"en": "minutes.", "zh": "分钟。"},
    "queue-periodic": {
        "en": "Your call is important to us. Please stay on the line.",
        "zh": "您的来电对我们很重要，请不要挂机。",
    },
    "callback-offer": {
        "en": "To be called back at the number you are calling from, press 1. "
        "To enter another number, press 2.",
        "zh": "如需回拨到您的来电号码，请按1；如需输入其他号码，请按2。",
    },
    "callback-enter-number": {
        "en": "Please enter your phone number, followed by the hash key.",
        "zh": "请输入您的电话号码，以井号键结束。",
    },
    "callback-confirm": {
        "en": "Thank you. You keep your place in line, and we will call you back at",
        "zh": "谢谢。我们为您保留排队位置，稍后将回拨至",
    },
    "prompt-saved": {"en": "Your recording is saved.", "zh": "录音已保存。"},
    "prompt-not-saved": {
        "en": "Sorry, the recording was not saved.",
        "zh": "对不起，录音没有保存。",
    },
    "voicemail-greeting": {
        "en": "Please leave a message after the tone. Hang up when you are done.",
        "zh": "请在提示音后留言，留言完毕请挂机。",
    },
    # Voicemail (docs/voicemail.md): the default greeting names the box ("voicemail-box" 1 0 0 1).
    "voicemail-box": {"en": "You have reached the mailbox of", "zh": "这里是信箱"},
    "voicemail-saved": {
        "en": "Your message has been saved. Goodbye.",
        "zh": "您的留言已保存，再见。",
    },
    # Listening by phone (appliance/callflow/voicemail_listen.py).
    "vm-enter-box": {
        "en": "Please enter the mailbox number, followed by the hash key.",
        "zh": "请输入信箱号码，以井号键结束。",
    },
    "vm-enter-pin": {
        "en": "Please enter your PIN, followed by the hash key.",
        "zh": "请输入密码，以井号键结束。",
    },
    "vm-pin-wrong": {"en": "That PIN is not correct.", "zh": "密码错误。"},
    "vm-you-have": {"en": "You have", "zh": "您有"},
    "vm-new-message": {"en": "new message.", "zh": "条新留言。"},
    "vm-new-messages": {"en": "new messages.", "zh": "条新留言。"},
    "vm-no-messages": {"en": "There are no messages.", "zh": "信箱中没有留言。"},
    "vm-message": {"en": "Message", "zh": "第"},
    "vm-message-time": {"en": "was left at", "zh": "条留言，留言时间"},
    "vm-hours": {"en": "hours", "zh": "点"},
    "vm-minutes": {"en": "minutes.", "zh": "分。"},
    "vm-message-menu": {
        "en": "To hear it again, press 1. To delete it, press 7. To save it, press 9. "
        "For the next message, press the hash key. For the previous one, press star.",
        "zh": "重听请按1，删除请按7，保存请按9，下一条请按井号键，上一条请按星号键。",
    },
    "vm-deleted": {"en": "Message deleted.", "zh": "留言已删除。"},
    "vm-saved": {"en": "Message saved.", "zh": "留言已保存。"},
    "vm-no-more-messages": {"en": "There are no more messages.", "zh": "没有更多留言了。"},
    "vm-goodbye": {"en": "Goodbye.", "zh": "再见。"},
    # Campaigns (docs/dialer.md): an answered call no agent was free for hears this.
    "campaign-dropped": {
        "en": "Sorry, all our agents are busy. We will call you again later. Goodbye.",
        "zh": "抱歉，座席正忙，我们稍后会再次致电。再见。",
    },
}

# Numbers for announcements: num-0 … num-19, the tens, num-hundred (see callflow/say.py).
_EN_NUMBERS = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
]
_EN_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ZH_DIGITS = "零一二三四五六七八九"
for _n in range(20):
    _zh = _ZH_DIGITS[_n] if _n < 10 else "十" + (_ZH_DIGITS[_n - 10] if _n > 10 else "")
    PROMPTS[f"num-{_n}"] = {"en": _EN_NUMBERS[_n], "zh": _zh}
for _i, _word in enumerate(_EN_TENS, start=2):
    PROMPTS[f"num-{_i * 10}"] = {"en": _word, "zh": _ZH_DIGITS[_i] + "十"}
PROMPTS["num-hundred"] = {"en": "hundred", "zh": "百"}

# Tones (sox), one file for every language: name → (frequency Hz, seconds).
TONES: dict[str, tuple[int, float]] = {"beep": (1000, 0.5)}

# Music on hold: I–vi–IV–V, each chord a plucked bass note under a soft sine pad.
MOH_CHORDS: list[tuple[str, str, str, str]] = [
    ("C3", "E4", "G4", "C5"),
    ("A2", "E4", "A4", "C5"),
    ("F2", "F4", "A4", "C5"),
    ("G2", "D4", "G4", "B4"),
]
MOH_CHORD_SECONDS = 3.75
MOH_REPEATS = 2  # 4 chords × 3.75 s × 2 = 30 s
